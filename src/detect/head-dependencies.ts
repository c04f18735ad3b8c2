import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readdir, readFile, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** What an exported head tree got from the work tree's installed dependencies. */
export interface HeadDependencies {
  /** Package directories (repository-relative, '' = root) whose node_modules were brought over. */
  copied: string[];
  /** Lockfiles (or package.json, where there is no lockfile) that differ between the work tree and head. */
  differing: string[];
}

const lockfiles = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock'];
// Deep enough for packages/<scope>/<name>; node_modules are never searched inside node_modules.
const maxDepth = 4;

/** Directories (repository-relative) holding a node_modules in the work tree that head also has. */
async function installedDirs(workTree: string, headDir: string, dir = '', depth = 0): Promise<string[]> {
  const entries = await readdir(join(workTree, dir), { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    if (entry.name === 'node_modules') found.push(dir);
    else if (!entry.name.startsWith('.') && depth < maxDepth) {
      const child = dir ? `${dir}/${entry.name}` : entry.name;
      if (existsSync(join(headDir, child)))
        found.push(...(await installedDirs(workTree, headDir, child, depth + 1)));
    }
  }
  return found;
}

/** Hard links where the file system allows them (instant, no space), else a copy; symlinks stay as they are. */
async function copyTree(from: string, to: string): Promise<void> {
  const linked = await new Promise<boolean>((resolve) => {
    const child = spawn('cp', ['-al', from, to], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
  if (linked) return;
  await rm(to, { recursive: true, force: true });
  await cp(from, to, { recursive: true, verbatimSymlinks: true });
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([
    readFile(a, 'utf8').catch(() => ''),
    readFile(b, 'utf8').catch(() => ''),
  ]);
  return x === y;
}

/** The files that pin a package's dependencies: its lockfiles, or its package.json when it has none. */
function pinningFiles(workTree: string, headDir: string, dir: string): string[] {
  const present = lockfiles
    .map((file) => posix.join(dir, file))
    .filter((file) => existsSync(join(workTree, file)) || existsSync(join(headDir, file)));
  return present.length > 0 ? present : [posix.join(dir, 'package.json')];
}

/**
 * Gives a head tree exported with `git archive` the dependencies installed in the work tree (git archive has no
 * node_modules, so every runner would be "not found"), and says which lockfiles differ, i.e. where those
 * dependencies may not be the ones head asks for.
 */
export async function bringDependencies(workTree: string, headDir: string): Promise<HeadDependencies> {
  const copied = await installedDirs(workTree, headDir);
  for (const dir of copied)
    await copyTree(join(workTree, dir, 'node_modules'), join(headDir, dir, 'node_modules'));
  const differing: string[] = [];
  for (const dir of copied) {
    for (const file of pinningFiles(workTree, headDir, dir)) {
      if (!(await sameFile(join(workTree, file), join(headDir, file)))) differing.push(file);
    }
  }
  return { copied, differing };
}

/** Whether the package.json at `dir` declares dependencies or devDependencies. */
export async function declaresPackages(dir: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    return ['dependencies', 'devDependencies'].some(
      (key) => Object.keys((manifest[key] as object | undefined) ?? {}).length > 0,
    );
  } catch {
    return false;
  }
}

/** What a review must tell its reader about the dependencies an exported head runs with; undefined when all is well. */
export function describeHeadDependencies(options: {
  headSha: string;
  dependencies: HeadDependencies;
  /** Whether head's root package.json declares packages to install (a project without any needs no node_modules). */
  declaresPackages: boolean;
}): string | undefined {
  const { dependencies, declaresPackages } = options;
  const sha = options.headSha.slice(0, 7);
  const install = `check it out and install them (\`git checkout ${sha} && npm ci\`), or pass \`--setup-command 'npm ci'\``;
  if (dependencies.copied.length === 0) {
    if (!declaresPackages) return undefined;
    return (
      `Head ${sha} is not checked out and the work tree has no node_modules, so its tests cannot find their runner. ` +
      `Install the dependencies in the work tree (\`npm ci\`), or ${install}.`
    );
  }
  if (dependencies.differing.length === 0) return undefined;
  const files = dependencies.differing.map((f) => `\`${f}\``).join(', ');
  return (
    `Head ${sha} is not checked out and its ${files} ${dependencies.differing.length === 1 ? 'differs' : 'differ'} ` +
    "from the work tree's: its tests ran with the " +
    `dependencies installed in the work tree, which may not be the ones it asks for. To test it with its own, ${install}.`
  );
}

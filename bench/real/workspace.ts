import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CorpusCase } from './corpus.js';
import { must, run, tail } from './shell.js';

async function isGitDir(dir: string): Promise<boolean> {
  return existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects')) && existsSync(join(dir, 'refs'));
}

/**
 * The bare git dir of `owner/name` under `mirrors`: the `fetch` tool's `owner+name/<something>/` layout, or
 * `owner+name`, `owner+name.git`, `owner/name`, `name`, `name.git` (a non-bare clone's `.git` is accepted too).
 */
export async function findMirror(mirrors: string, repo: string): Promise<string | undefined> {
  const [owner, name] = repo.split('/') as [string, string];
  const roots = [`${owner}+${name}`, `${owner}+${name}.git`, join(owner, name), name, `${name}.git`].map(
    (r) => join(mirrors, r),
  );
  for (const root of roots) {
    if (!existsSync(root) || !(await stat(root)).isDirectory()) continue;
    if (await isGitDir(root)) return root;
    if (await isGitDir(join(root, '.git'))) return join(root, '.git');
    for (const entry of await readdir(root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const inner = join(root, entry.name);
      if (await isGitDir(inner)) return inner;
      if (await isGitDir(join(inner, '.git'))) return join(inner, '.git');
    }
  }
  return undefined;
}

/** A fresh work tree of the mirror checked out (detached) at `fix^`; returns the parent's full SHA. */
export async function cloneAtParent(mirror: string, fix: string, dir: string): Promise<string> {
  await must(['git', 'clone', '--quiet', '--no-checkout', '--shared', mirror, dir], process.cwd());
  const parent = (await must(['git', 'rev-parse', `${fix}^`], dir)).trim();
  await must(['git', 'checkout', '--quiet', '--detach', parent], dir);
  return parent;
}

const lockFiles = ['package.json', 'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'npm-shrinkwrap.json'];

/** What an install depends on: the manifest and lock files at the root and in packageDir, and the command. */
async function installKey(c: CorpusCase, work: string): Promise<string> {
  const hash = createHash('sha256').update(`${c.repo}\n${c.packageDir}\n${c.install}\n`);
  for (const dir of new Set(['.', c.packageDir])) {
    for (const file of lockFiles) {
      const path = dir === '.' ? file : `${dir}/${file}`;
      const blob = await run(['git', 'rev-parse', `HEAD:${path}`], { cwd: work, timeoutMs: 30_000 });
      hash.update(`${path}=${blob.code === 0 ? blob.output.trim() : '-'}\n`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

export interface InstallOutcome {
  ok: boolean;
  cached: boolean;
  ms: number;
  reason?: string;
}

/**
 * Runs the case's install command in packageDir, reusing an earlier install with the same manifest and lock
 * files: the resulting `node_modules` (root and packageDir) are hard-link copied to and from `cacheDir`.
 */
export async function install(
  c: CorpusCase,
  work: string,
  cacheDir: string,
  timeoutMs: number,
): Promise<InstallOutcome> {
  const started = Date.now();
  const slot = join(cacheDir, `${c.repo.replace('/', '+')}-${await installKey(c, work)}`);
  const dirs = [...new Set(['.', c.packageDir])];
  if (existsSync(join(slot, 'done'))) {
    for (const dir of dirs) {
      const saved = join(slot, dir, 'node_modules');
      if (existsSync(saved))
        await must(['cp', '-al', saved, join(work, dir, 'node_modules')], work, timeoutMs);
    }
    return { ok: true, cached: true, ms: Date.now() - started };
  }
  if (c.install.trim() === '') return { ok: true, cached: false, ms: 0 };
  const result = await run(c.install, { cwd: join(work, c.packageDir), timeoutMs, env: { CI: '1' } });
  if (result.code !== 0) {
    const why = result.timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : `exit ${result.code}`;
    return {
      ok: false,
      cached: false,
      ms: Date.now() - started,
      reason: `install ${why}: ${tail(result.output)}`,
    };
  }
  await rm(slot, { recursive: true, force: true });
  for (const dir of dirs) {
    const made = join(work, dir, 'node_modules');
    if (!existsSync(made)) continue;
    await mkdir(join(slot, dir), { recursive: true });
    await must(['cp', '-al', made, join(slot, dir, 'node_modules')], work, timeoutMs);
  }
  await mkdir(slot, { recursive: true });
  await must(['touch', join(slot, 'done')], work);
  return { ok: true, cached: false, ms: Date.now() - started };
}

import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { harnessDir } from '../../../harness/harness-layout.js';
import { baseTestRun } from '../../../harness/test-run.js';
import type { TestRun } from '../../../harness/types.js';
import type { ExecResult } from '../../../sandbox/types.js';
import { owningPackage } from './js-package.js';
import { ava } from './js-runners/ava.js';
import { jasmine } from './js-runners/jasmine.js';
import { jest, vitest } from './js-runners/jest-like.js';
import { mocha } from './js-runners/mocha.js';
import { nodeTap } from './js-runners/node-tap.js';
import { nodeTest } from './js-runners/node-test.js';
import { qunit } from './js-runners/qunit.js';
import { script as wholeScript } from './js-runners/script.js';
import { tape } from './js-runners/tape.js';
import type { JsRunner, JsTestRunner } from './js-runners/types.js';
import { expandScripts } from './js-script-expansion.js';

export type { JsTestRunner } from './js-runners/types.js';

export interface JsTestPlan {
  runner: JsTestRunner;
  /** Test files that import the target's module, directly or through other modules (relative to `cwd`). */
  files: string[];
  /** Shell command run in `cwd`. */
  command: string;
  /** Where the runner writes machine-readable results (workspace-relative), if not to stdout. */
  resultsFile?: string;
  /** The package the command runs in, workspace-relative ('' or absent: the root). */
  cwd?: string;
}

const sourcePattern = /\.(m|c)?(j|t)sx?$/;
// `test.js` beside the code is AVA's and many small packages' single test file.
const testPattern =
  /(\.(test|spec)\.(m|c)?(j|t)sx?$)|(^|\/)(__tests__|tests?)\/|(^|\/)tests?\.(m|c)?(j|t)sx?$/;
const skippedDirs = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.afterburner-harness']);
const importPattern = /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g;
const resolutionSuffixes = [
  '',
  '.js',
  '.mjs',
  '.cjs',
  '.ts',
  '.tsx',
  '.mts',
  '.cts',
  '.jsx',
  '/index.js',
  '/index.ts',
];
export const resultsFile = `${harnessDir}/test-results.json`;

/** Every JavaScript or TypeScript file under `root` (dependencies, builds and dot-directories left out). */
export async function sourceFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory() && !skippedDirs.has(entry.name) && !entry.name.startsWith('.')) {
      found.push(...(await sourceFiles(root, path)));
    } else if (entry.isFile() && sourcePattern.test(entry.name)) {
      found.push(path);
    }
  }
  return found;
}

function resolveImport(
  from: string,
  specifier: string,
  files: Set<string>,
  rootMain: string | undefined,
): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  // `require('..')` from test/, `import m from './'` at the root: the package itself, through its manifest's `main`
  // (Node's default, index.js, when it has none: camelcase).
  if (base === '.' || base === './') return resolveImport('', `./${rootMain ?? 'index'}`, files, undefined);
  // TypeScript sources import '../../../harness/x.js' that exists on disk as './x.ts'.
  const stems = [base, base.replace(/\.(m|c)?js$/, '')];
  for (const stem of stems) {
    for (const suffix of resolutionSuffixes) if (files.has(stem + suffix)) return stem + suffix;
  }
  return undefined;
}

/** Source files from which `targetPath` is reachable through relative imports (tests, benchmarks, modules). */
export async function filesReaching(root: string, targetPath: string): Promise<string[]> {
  const files = await sourceFiles(root);
  const known = new Set(files);
  const main = await readFile(join(root, 'package.json'), 'utf8')
    .then((text) => (JSON.parse(text) as { main?: unknown }).main)
    .catch(() => undefined);
  const rootMain = typeof main === 'string' ? posix.normalize(main) : undefined;
  const importers = new Map<string, string[]>();
  for (const file of files) {
    const text = await readFile(join(root, file), 'utf8').catch(() => '');
    for (const match of text.matchAll(importPattern)) {
      const resolved = resolveImport(file, match[1] as string, known, rootMain);
      if (resolved) importers.set(resolved, [...(importers.get(resolved) ?? []), file]);
    }
  }
  const reached = new Set<string>([targetPath]);
  const queue = [targetPath];
  while (queue.length > 0) {
    for (const importer of importers.get(queue.shift() as string) ?? []) {
      if (!reached.has(importer)) {
        reached.add(importer);
        queue.push(importer);
      }
    }
  }
  return files.filter((f) => f !== targetPath && reached.has(f)).sort();
}

/** Test files from which `targetPath` is reachable through relative imports. */
export async function relevantTestFiles(root: string, targetPath: string): Promise<string[]> {
  return (await filesReaching(root, targetPath)).filter((f) => testPattern.test(f));
}

const runners: Record<JsTestRunner, JsRunner> = {
  vitest,
  jest,
  mocha,
  'node:test': nodeTest,
  jasmine,
  ava,
  tap: nodeTap,
  tape,
  qunit,
  script: wholeScript,
};

function detectRunner(script: string, dependencies: Record<string, string>): JsTestRunner {
  if (/\bvitest\b/.test(script) || (dependencies.vitest && !/\b(jest|mocha|node|jasmine|ava)\b/.test(script)))
    return 'vitest';
  if (/\bjest\b/.test(script)) return 'jest';
  if (/\bmocha\b/.test(script)) return 'mocha';
  if (/(^|[\s/;&|])jasmine(\s|$)/.test(script)) return 'jasmine';
  if (/(^|[\s/;&|])ava(\s|$)/.test(script)) return 'ava';
  if (/(^|[\s/;&|(])tap(\s|$|\))/.test(script)) return 'tap';
  if (/(^|[\s/;&|(])tape(\s|$|\))/.test(script)) return 'tape';
  if (/(^|[\s/;&|(])qunit(-cli)?(\s|$|\))/.test(script)) return 'qunit';
  if (/\bnode\b[^&|;]*--test\b/.test(script)) return 'node:test';
  return 'script';
}

/**
 * How to run the tests relevant to one file: the runner named by the test script of the package that owns it,
 * on the files that reach it, from that package's directory.
 */
export async function planJsTests(options: {
  sourceDir: string;
  targetPath: string;
  script: string;
}): Promise<JsTestPlan> {
  const { sourceDir, targetPath, script } = options;
  const owner = await owningPackage(sourceDir, targetPath);
  // A command given by the user (not the package's own script) runs from the root, as they would run it.
  const cwd = owner.testScript === script ? owner.dir : '';
  const manifest =
    cwd === owner.dir ? owner.manifest : (await owningPackage(sourceDir, 'package.json')).manifest;
  // `"test": "npm run build && npm run test:unit"` is run by the runner `test:unit` names.
  const makefile = await readFile(join(sourceDir, cwd, 'Makefile'), 'utf8').catch(() => undefined);
  const expanded = expandScripts(script, { scripts: manifest.scripts, makefile });
  const runner = runners[detectRunner(expanded, { ...manifest.dependencies, ...manifest.devDependencies })];
  const packageDir = join(sourceDir, cwd);
  const fromPackage = (path: string) => posix.relative(cwd || '.', path) || '.';
  const context = {
    files: await relevantTestFiles(packageDir, fromPackage(targetPath)),
    script: runner.name === 'script' ? script : expanded,
    resultsFile: fromPackage(resultsFile),
    harnessDir: fromPackage(harnessDir),
    packageDir,
  };
  if (runner.acceptFiles) context.files = await runner.acceptFiles(context.files, context);
  return {
    runner: runner.name,
    files: context.files,
    command: await runner.command(context),
    ...(runner.writesResults ? { resultsFile } : {}),
    ...(cwd ? { cwd } : {}),
  };
}

/** Explains a runner the shell could not find: the tree under test has no installed dependencies. */
function missingCommand(run: ExecResult): TestRun['failures'] {
  // POSIX shells exit 127 for a command they cannot find.
  const name = /(?:^|\n)sh: (?:\d+: )?([^\s:]+): not found/.exec(run.stderr)?.[1];
  if (run.exitCode !== 127 || !name) return undefined;
  return [
    {
      name: `\`${name}\` is not installed`,
      message:
        `the test command needs \`${name}\`, which is not in node_modules/.bin of the tree under test: install the ` +
        "project's dependencies where it is checked out (e.g. `npm ci`), or pass a setup command (`--setup-command 'npm ci'`)",
    },
  ];
}

/** The outcome of a test run, with failing tests' names and first assertion lines for the model's feedback. */
export function summarizeTestRun(
  plan: JsTestPlan,
  run: ExecResult,
  resultsText: string | undefined,
): TestRun {
  const base = baseTestRun(plan, run);
  const missing = missingCommand(run);
  if (missing) return { ...base, failures: missing };
  try {
    const counts = runners[plan.runner].parse(run.stdout, resultsText);
    return counts ? { ...base, ...counts } : base;
  } catch {
    return base;
  }
}

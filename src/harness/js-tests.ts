import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { ExecResult } from '../sandbox/types.js';
import { baseTestRun, firstLines } from './test-run.js';
import type { TestFailure, TestRun } from './types.js';

export type JsTestRunner = 'vitest' | 'jest' | 'mocha' | 'node:test' | 'script';

export interface JsTestPlan {
  runner: JsTestRunner;
  /** Test files that import the target's module, directly or through other modules. */
  files: string[];
  /** Shell command run in the workspace root. */
  command: string;
  /** Where the runner writes machine-readable results (workspace-relative), if not to stdout. */
  resultsFile?: string;
}

const sourcePattern = /\.(m|c)?(j|t)sx?$/;
const testPattern = /(\.(test|spec)\.(m|c)?(j|t)sx?$)|(^|\/)(__tests__|tests?)\//;
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
export const resultsFile = '.afterburner-harness/test-results.json';

async function sourceFiles(root: string, dir = ''): Promise<string[]> {
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

function resolveImport(from: string, specifier: string, files: Set<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  // TypeScript sources import './x.js' that exists on disk as './x.ts'.
  const stems = [base, base.replace(/\.(m|c)?js$/, '')];
  for (const stem of stems) {
    for (const suffix of resolutionSuffixes) if (files.has(stem + suffix)) return stem + suffix;
  }
  return undefined;
}

/** Test files from which `targetPath` is reachable through relative imports. */
export async function relevantTestFiles(root: string, targetPath: string): Promise<string[]> {
  const files = await sourceFiles(root);
  const known = new Set(files);
  const importers = new Map<string, string[]>();
  for (const file of files) {
    const text = await readFile(join(root, file), 'utf8').catch(() => '');
    for (const match of text.matchAll(importPattern)) {
      const resolved = resolveImport(file, match[1] as string, known);
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
  return files.filter((f) => f !== targetPath && reached.has(f) && testPattern.test(f)).sort();
}

function quote(path: string): string {
  return `'${path.replace(/'/g, "'\\''")}'`;
}

function detectRunner(script: string, dependencies: Record<string, string>): JsTestRunner {
  if (/\bvitest\b/.test(script) || (dependencies.vitest && !/\b(jest|mocha|node)\b/.test(script)))
    return 'vitest';
  if (/\bjest\b/.test(script)) return 'jest';
  if (/\bmocha\b/.test(script)) return 'mocha';
  if (/\bnode\b[^&|;]*--test\b/.test(script)) return 'node:test';
  return 'script';
}

/** How to run the tests relevant to one file: the runner named by package.json, on the files that reach it. */
export async function planJsTests(options: {
  sourceDir: string;
  targetPath: string;
  script: string;
}): Promise<JsTestPlan> {
  const { sourceDir, targetPath, script } = options;
  const manifest = JSON.parse(await readFile(join(sourceDir, 'package.json'), 'utf8').catch(() => '{}')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const runner = detectRunner(script, { ...manifest.dependencies, ...manifest.devDependencies });
  const files = await relevantTestFiles(sourceDir, targetPath);
  const list = files.map(quote).join(' ');
  switch (runner) {
    case 'vitest':
      return {
        runner,
        files,
        resultsFile,
        command: `vitest run --reporter=json --outputFile=${resultsFile} ${list}`,
      };
    case 'jest':
      return {
        runner,
        files,
        resultsFile,
        command: `jest --ci --json --outputFile=${resultsFile} --runTestsByPath ${list}`,
      };
    case 'mocha':
      return {
        runner,
        files,
        resultsFile,
        command: `mocha --reporter json --reporter-option output=${resultsFile} ${list}`,
      };
    case 'node:test': {
      // Keep the project's own node flags (e.g. `--import tsx`) that come before --test.
      const flags = /\bnode\s+((?:[^&|;]*?\s)?)--test\b/.exec(script)?.[1]?.trim() ?? '';
      return { runner, files, command: `node ${flags ? `${flags} ` : ''}--test --test-reporter=tap ${list}` };
    }
    default:
      return { runner, files, command: script };
  }
}

interface JestLikeResults {
  numPassedTests?: number;
  numFailedTests?: number;
  testResults?: {
    assertionResults?: { fullName?: string; title?: string; status?: string; failureMessages?: string[] }[];
  }[];
}

interface MochaResults {
  stats?: { passes?: number; failures?: number };
  failures?: { fullTitle?: string; err?: { message?: string } }[];
}

function parseJestLike(text: string): Pick<TestRun, 'passedCount' | 'failedCount' | 'failures'> {
  const data = JSON.parse(text) as JestLikeResults;
  const failures: TestFailure[] = [];
  for (const file of data.testResults ?? []) {
    for (const a of file.assertionResults ?? []) {
      if (a.status === 'failed')
        failures.push({
          name: a.fullName ?? a.title ?? '?',
          message: firstLines((a.failureMessages ?? []).join('\n')),
        });
    }
  }
  return {
    passedCount: data.numPassedTests ?? 0,
    failedCount: data.numFailedTests ?? failures.length,
    failures,
  };
}

function parseMocha(text: string): Pick<TestRun, 'passedCount' | 'failedCount' | 'failures'> {
  const data = JSON.parse(text) as MochaResults;
  const failures = (data.failures ?? []).map((f) => ({
    name: f.fullTitle ?? '?',
    message: firstLines(f.err?.message ?? ''),
  }));
  return {
    passedCount: data.stats?.passes ?? 0,
    failedCount: data.stats?.failures ?? failures.length,
    failures,
  };
}

/** Node's TAP reporter: `ok N - name` / `not ok N - name`, each followed by an indented YAML block. */
function parseTap(text: string): Pick<TestRun, 'passedCount' | 'failedCount' | 'failures'> {
  const lines = text.split('\n');
  const failures: TestFailure[] = [];
  let passedCount = 0;
  for (const [i, line] of lines.entries()) {
    const match = /^(\s*)(not ok|ok) \d+ - (.*?)(\s+#\s*(SKIP|TODO).*)?$/.exec(line);
    if (!match) continue;
    if (match[2] === 'ok') {
      passedCount++;
      continue;
    }
    const block = lines.slice(i + 1, i + 40);
    const end = block.findIndex((l) => /^\s*\.\.\.\s*$/.test(l));
    const yaml = block.slice(0, end < 0 ? undefined : end).join('\n');
    // A suite fails because a test in it failed; that test is reported on its own.
    if (/failureType:\s*'subtestsFailed'/.test(yaml)) continue;
    const error =
      /error:\s*\|?-?\s*\n?([\s\S]*?)(\n\s*code:|\n\s*stack:|\n\s*name:|$)/.exec(yaml)?.[1] ?? yaml;
    failures.push({ name: (match[3] as string).trim(), message: firstLines(error.replace(/^\s+/gm, '')) });
  }
  return { passedCount, failedCount: failures.length, failures };
}

/** The outcome of a test run, with failing tests' names and first assertion lines for the model's feedback. */
export function summarizeTestRun(
  plan: JsTestPlan,
  run: ExecResult,
  resultsText: string | undefined,
): TestRun {
  const base = baseTestRun(plan, run);
  try {
    if (plan.runner === 'node:test') return { ...base, ...parseTap(run.stdout) };
    if (!resultsText) return base;
    return { ...base, ...(plan.runner === 'mocha' ? parseMocha(resultsText) : parseJestLike(resultsText)) };
  } catch {
    return base;
  }
}

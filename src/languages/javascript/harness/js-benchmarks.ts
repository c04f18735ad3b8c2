import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { harnessDir } from '../../../harness/harness-layout.js';
import { mentionedName, mentions, type RepoBenchSuite } from '../../../harness/repo-benchmarks.js';
import { filesReaching, sourceFiles } from './js-tests.js';

const vitestBenchName = /\.(bench|benchmark)\.(m|c)?(j|t)sx?$/;
const importsVitest = /(?:from\s*|require\s*\(\s*)['"]vitest['"]/;
const importing = (name: string) =>
  new RegExp(`(?:from\\s*|require\\s*\\(\\s*|import\\s*\\(\\s*)['"]${name}['"]`);
/** Scripts run under bench-hooks.cjs, by the library they import. */
const scriptKinds = [
  { kind: 'benchmark.js', imports: importing('benchmark') },
  { kind: 'tinybench', imports: importing('tinybench') },
  { kind: 'mitata', imports: importing('mitata') },
] as const;
const typeScriptName = /\.(m|c)?tsx?$/;

function importsOwnPackage(text: string, packageName: string | undefined): boolean {
  if (!packageName) return false;
  const escaped = packageName.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(?:from\\s*|require\\s*\\(\\s*|import\\s*\\(\\s*)['"]${escaped}(/[^'"]*)?['"]`).test(
    text,
  );
}

export interface JsBenchmarkOptions {
  /** Host directory of the head tree. */
  sourceDir: string;
  /** Workspace-relative directory of the package the tests run in ('' = the root). */
  cwd: string;
  /** Workspace-relative path of the target's file. */
  targetPath: string;
  targetName: string;
  /** The workspace root inside the sandbox (results files are written by absolute path). */
  workspaceRoot: string;
  /** Whether the harness's TypeScript loader is in the sandbox (TypeScript benchmark.js scripts need it). */
  typeScriptLoader: boolean;
}

/**
 * The package's own benchmarks that reach the target: vitest bench files and benchmark.js, tinybench and mitata
 * scripts that import its
 * module (directly, through other modules, or through the package's own name, as es-toolkit's do) and mention the
 * function's name.
 */
export async function planJsBenchmarks(options: JsBenchmarkOptions): Promise<RepoBenchSuite[]> {
  const { sourceDir, cwd, targetPath, workspaceRoot } = options;
  const packageDir = join(sourceDir, cwd);
  const fromPackage = (path: string) => posix.relative(cwd || '.', path) || '.';
  const packageName = await readFile(join(packageDir, 'package.json'), 'utf8')
    .then((text) => (JSON.parse(text) as { name?: unknown }).name)
    .then((name) => (typeof name === 'string' ? name : undefined))
    .catch(() => undefined);
  const reaching = new Set(await filesReaching(packageDir, fromPackage(targetPath)));
  const name = mentionedName(options.targetName);
  const suites: RepoBenchSuite[] = [];
  for (const file of await sourceFiles(packageDir)) {
    const isVitestBench = vitestBenchName.test(file);
    const text = await readFile(join(packageDir, file), 'utf8').catch(() => '');
    const kind =
      isVitestBench && importsVitest.test(text)
        ? 'vitest-bench'
        : scriptKinds.find((k) => k.imports.test(text))?.kind;
    if (!kind) continue;
    if (!(reaching.has(file) || importsOwnPackage(text, packageName)) || !mentions(text, name)) continue;
    if (kind !== 'vitest-bench' && typeScriptName.test(file) && !options.typeScriptLoader) continue;
    const resultsFile = `${harnessDir}/repo-bench-${suites.length}.json`;
    const absoluteResults = posix.join(workspaceRoot, resultsFile);
    const workspaceFile = posix.join(cwd, file);
    if (kind === 'vitest-bench') {
      suites.push({
        file: workspaceFile,
        kind,
        command: ['vitest', 'bench', '--run', '--outputJson', absoluteResults, file],
        ...(cwd ? { cwd } : {}),
        resultsFile,
      });
    } else {
      const loader = typeScriptName.test(file)
        ? ['--import', posix.join(workspaceRoot, harnessDir, 'ts-loader.mjs')]
        : [];
      suites.push({
        file: workspaceFile,
        kind,
        command: [
          'node',
          '--require',
          posix.join(workspaceRoot, harnessDir, 'bench-hooks.cjs'),
          ...loader,
          file,
        ],
        ...(cwd ? { cwd } : {}),
        resultsFile,
        env: { AFTERBURNER_BENCH_OUT: absoluteResults },
      });
    }
  }
  return suites;
}

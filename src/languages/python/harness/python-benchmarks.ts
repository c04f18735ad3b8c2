import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { harnessDir } from '../../../harness/harness-layout.js';
import { mentionedName, mentions, type RepoBenchSuite } from '../../../harness/repo-benchmarks.js';
import { relevantPythonTestFiles } from './python-tests.js';

// A pytest test that takes pytest-benchmark's fixture (pytest-codspeed's has the same name and call shape).
const usesBenchmarkFixture = /^[ \t]*(?:async[ \t]+)?def[ \t]+test\w*[ \t]*\([^)]*\bbenchmark\b/m;

/**
 * The repository's pytest-benchmark tests that reach the target: Python files that import its module (directly
 * or through other modules), take the `benchmark` fixture and mention the function's name. Each runs alone with
 * `--benchmark-only`, short sampling (whole runs are repeated instead), its results as JSON.
 */
export async function planPythonBenchmarks(options: {
  sourceDir: string;
  targetPath: string;
  targetName: string;
  python: string;
  workspaceRoot: string;
}): Promise<RepoBenchSuite[]> {
  const { sourceDir, targetPath, workspaceRoot } = options;
  const name = mentionedName(options.targetName);
  const suites: RepoBenchSuite[] = [];
  for (const file of await relevantPythonTestFiles(sourceDir, targetPath, () => true)) {
    const text = await readFile(join(sourceDir, file), 'utf8').catch(() => '');
    if (!usesBenchmarkFixture.test(text) || !mentions(text, name)) continue;
    const resultsFile = `${harnessDir}/repo-bench-${suites.length}.json`;
    suites.push({
      file,
      kind: 'pytest-benchmark',
      command: [
        options.python,
        ...['-m', 'pytest', '-q', '-p', 'no:cacheprovider', file, '--benchmark-only'],
        `--benchmark-json=${posix.join(workspaceRoot, resultsFile)}`,
        '--benchmark-max-time=0.2',
      ],
      resultsFile,
    });
  }
  return suites;
}

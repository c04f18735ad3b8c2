import { firstLines } from '../../../../harness/test-run.js';
import type { TestFailure } from '../../../../harness/types.js';
import { type JsRunner, quote, type RunnerCounts } from './types.js';

interface JestLikeResults {
  numPassedTests?: number;
  numFailedTests?: number;
  testResults?: {
    message?: string;
    name?: string;
    status?: string;
    assertionResults?: { fullName?: string; title?: string; status?: string; failureMessages?: string[] }[];
  }[];
}

/** The JSON that `jest --json` and vitest's `json` reporter both write. */
export function parseJestLike(text: string): RunnerCounts {
  const data = JSON.parse(text) as JestLikeResults;
  const failures: TestFailure[] = [];
  let unloaded = 0;
  for (const file of data.testResults ?? []) {
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) {
      failures.push({
        name: a.fullName ?? a.title ?? '?',
        message: firstLines((a.failureMessages ?? []).join('\n')),
      });
    }
    if (file.status === 'failed' && failed.length === 0) {
      // A file that fails before its tests run (a missing module, a syntax error) is named like a test, so that
      // the pass-to-pass gate can leave it out when it already fails on the original.
      unloaded++;
      const name = (file.name ?? '?').split('/').slice(-3).join('/');
      failures.push({ name: `${name} (the file failed to run)`, message: firstLines(file.message ?? '') });
    }
  }
  return {
    passedCount: data.numPassedTests ?? 0,
    failedCount: (data.numFailedTests ?? failures.length - unloaded) + unloaded,
    failures,
  };
}

export const vitest: JsRunner = {
  name: 'vitest',
  writesResults: true,
  command: ({ files, resultsFile }) =>
    `vitest run --reporter=json --outputFile=${quote(resultsFile)} ${files.map(quote).join(' ')}`,
  parse: (_stdout, results) => (results ? parseJestLike(results) : undefined),
};

export const jest: JsRunner = {
  name: 'jest',
  writesResults: true,
  // --forceExit: a suite that leaves a timer or handle open (radash's) otherwise never exits after its results.
  command: ({ files, resultsFile }) =>
    `jest --ci --forceExit --json --outputFile=${quote(resultsFile)} --runTestsByPath ${files.map(quote).join(' ')}`,
  parse: (_stdout, results) => (results ? parseJestLike(results) : undefined),
};

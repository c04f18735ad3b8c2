import { firstLines } from '../test-run.js';
import type { TestFailure } from '../types.js';
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
  command: ({ files, resultsFile }) =>
    `jest --ci --json --outputFile=${quote(resultsFile)} --runTestsByPath ${files.map(quote).join(' ')}`,
  parse: (_stdout, results) => (results ? parseJestLike(results) : undefined),
};

import { firstLines } from '../test-run.js';
import { type JsRunner, quote, type RunnerCounts } from './types.js';

interface MochaResults {
  stats?: { passes?: number; failures?: number };
  failures?: { fullTitle?: string; err?: { message?: string } }[];
}

export function parseMocha(text: string): RunnerCounts {
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

export const mocha: JsRunner = {
  name: 'mocha',
  writesResults: true,
  command: ({ files, resultsFile }) =>
    `mocha --reporter json --reporter-option ${quote(`output=${resultsFile}`)} ${files.map(quote).join(' ')}`,
  parse: (_stdout, results) => (results ? parseMocha(results) : undefined),
};

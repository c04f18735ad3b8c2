import { firstLines } from '../../../../harness/test-run.js';
import { readTap } from './tap.js';
import { type JsRunner, quote, type RunnerCounts } from './types.js';

/** Node's TAP reporter: the error under `error:` in each failing test's YAML block. */
export function parseNodeTap(text: string): RunnerCounts {
  return readTap(text, ({ name, yaml }) => {
    // A suite fails because a test in it failed; that test is reported on its own.
    if (/failureType:\s*'subtestsFailed'/.test(yaml)) return undefined;
    const error =
      /error:\s*\|?-?\s*\n?([\s\S]*?)(\n\s*code:|\n\s*stack:|\n\s*name:|$)/.exec(yaml)?.[1] ?? yaml;
    return { name, message: firstLines(error.replace(/^\s+/gm, '')) };
  });
}

export const nodeTest: JsRunner = {
  name: 'node:test',
  writesResults: false,
  command: ({ files, script }) => {
    // Keep the project's own node flags (e.g. `--import tsx`) that come before --test.
    const flags = /\bnode\s+((?:[^&|;]*?\s)?)--test\b/.exec(script)?.[1]?.trim() ?? '';
    return `node ${flags ? `${flags} ` : ''}--test --test-reporter=tap ${files.map(quote).join(' ')}`;
  },
  parse: (stdout) => parseNodeTap(stdout),
};

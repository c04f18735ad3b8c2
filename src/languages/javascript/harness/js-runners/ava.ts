import { firstLines } from '../../../../harness/test-run.js';
import { readTap, tapDiagnostics } from './tap.js';
import { type JsRunner, quote, type RunnerCounts } from './types.js';

/** AVA's `--tap`: each failure's YAML block holds `message` and `details` (the diff or the thrown error). */
export function parseAvaTap(text: string): RunnerCounts {
  return readTap(text, ({ name, yaml }) => {
    const data = tapDiagnostics(yaml) as { message?: string; details?: Record<string, unknown> } | undefined;
    if (!data) return { name, message: firstLines(yaml) };
    const details = Object.entries(data.details ?? {}).map(([label, value]) => `${label}\n${String(value)}`);
    return { name, message: firstLines([data.message, ...details].filter(Boolean).join('\n')) };
  });
}

// AVA refuses these as test files even when named on the command line.
const avaNonTests = /(^|\/)(_[^/]*|helpers\/.*|fixtures\/.*)$/;

export const ava: JsRunner = {
  name: 'ava',
  writesResults: false,
  acceptFiles: async (files) => files.filter((f) => !avaNonTests.test(f)),
  command: ({ files }) => `ava --tap ${files.map(quote).join(' ')}`,
  parse: (stdout) => parseAvaTap(stdout),
};

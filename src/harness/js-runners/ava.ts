import { parse as parseYaml } from 'yaml';
import { firstLines } from '../test-run.js';
import { readTap } from './tap.js';
import { type JsRunner, quote, type RunnerCounts } from './types.js';

function dedent(text: string): string {
  const indent = Math.min(
    ...text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => /^\s*/.exec(l)?.[0].length ?? 0),
  );
  return text
    .split('\n')
    .map((l) => l.slice(Number.isFinite(indent) ? indent : 0))
    .join('\n');
}

/** AVA's `--tap`: each failure's YAML block holds `message` and `details` (the diff or the thrown error). */
export function parseAvaTap(text: string): RunnerCounts {
  return readTap(text, ({ name, yaml }) => {
    let message = '';
    try {
      const data = parseYaml(dedent(yaml.replace(/^\s*---\s*$/m, ''))) as {
        message?: string;
        details?: Record<string, unknown>;
      } | null;
      const details = Object.entries(data?.details ?? {}).map(
        ([label, value]) => `${label}\n${String(value)}`,
      );
      message = [data?.message, ...details].filter(Boolean).join('\n');
    } catch {
      message = yaml;
    }
    return { name, message: firstLines(message) };
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

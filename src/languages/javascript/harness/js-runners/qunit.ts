import { firstLines } from '../../../../harness/test-run.js';
import type { TestFailure } from '../../../../harness/types.js';
import { diagnosticLines, tapDiagnostics } from './tap.js';
import { type JsRunner, quote, type RunnerCounts } from './types.js';

const ansi = /\u001b\[[0-9;]*m/g;

/**
 * QUnit's results, in either of its command-line forms: `qunit --reporter tap` (`ok 3 Module > test`, a YAML block
 * under a failure) or the older `qunit-cli` (a module heading, then `✔ test` / `✖ test` with the failure's lines
 * indented under it). Names are `Module > test`.
 */
export function parseQunit(stdout: string): RunnerCounts {
  const lines = stdout.replace(ansi, '').split('\n');
  const failures: TestFailure[] = [];
  let passedCount = 0;
  let module = '';
  for (const [i, line] of lines.entries()) {
    const tap = /^(not ok|ok) \d+ (.*?)(\s+#\s*(SKIP|TODO)\b.*)?$/i.exec(line);
    const mark = /^ {2}([✔✖]) (.*)$/.exec(line);
    if (!tap && !mark) {
      if (/^\S/.test(line) && !/^(TAP version|1\.\.\d|#)/.test(line)) module = line.trim();
      continue;
    }
    if (tap?.[3]) continue;
    const passed = tap ? tap[1] === 'ok' : mark?.[1] === '✔';
    const name = tap ? (tap[2] ?? '').trim() : [module, (mark?.[2] ?? '').trim()].filter(Boolean).join(' > ');
    if (passed) {
      passedCount++;
      continue;
    }
    const rest = lines.slice(i + 1, i + 40);
    const end = rest.findIndex((l) => (tap ? /^\s*\.\.\.\s*$/.test(l) : !/^ {4}/.test(l)));
    const block = rest.slice(0, end < 0 ? undefined : end).join('\n');
    const data = tap ? tapDiagnostics(block) : undefined;
    const detail = data
      ? diagnosticLines(data, ['message', 'actual', 'expected'])
          .join('\n')
          .replace(/^message: /, '')
      : block
          .split('\n')
          .map((l) => l.trim())
          .join('\n');
    failures.push({ name, message: firstLines(detail) });
  }
  return { passedCount, failedCount: failures.length, failures };
}

export const qunit: JsRunner = {
  name: 'qunit',
  writesResults: false,
  command: ({ files, script }) => {
    const named = files.map(quote).join(' ');
    // qunit-cli has one output; the current CLI prints TAP when asked.
    return /(^|[\s/;&|(])qunit-cli(\s|$|\))/.test(script)
      ? `qunit-cli ${named}`
      : `qunit --reporter tap ${named}`;
  },
  parse: (stdout) => parseQunit(stdout),
};

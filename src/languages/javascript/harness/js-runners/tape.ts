import { firstLines } from '../../../../harness/test-run.js';
import type { TestFailure } from '../../../../harness/types.js';
import { diagnosticLines, tapDiagnostics } from './tap.js';
import { invocationArgs, type JsRunner, quote, type RunnerCounts } from './types.js';

/**
 * tape's TAP: each test opens with a `# name` comment and its assertions follow as `ok N message`. Names are
 * `test > assertion`, numbered when an assertion's message repeats within a test (`should be equal (2)`), since
 * the gate compares failures by name. The closing `# tests`, `# pass`, `# fail`, `# ok` lines are not tests.
 */
export function parseTape(stdout: string): RunnerCounts {
  const lines = stdout.split('\n');
  const failures: TestFailure[] = [];
  let passedCount = 0;
  let test = '';
  let seen = new Map<string, number>();
  for (const [i, line] of lines.entries()) {
    const comment = /^# (.*)$/.exec(line);
    if (comment) {
      if (!/^(tests|pass|fail|todo|skip) +\d+$|^ok$/.test(comment[1] ?? '')) {
        test = (comment[1] ?? '').trim();
        seen = new Map();
      }
      continue;
    }
    const result = /^(not ok|ok) \d+(?: (.*?))?(\s+#\s*(SKIP|TODO)\b.*)?$/i.exec(line);
    if (!result || result[3]) continue;
    const message = (result[2] ?? '').trim();
    const count = (seen.get(message) ?? 0) + 1;
    seen.set(message, count);
    const name = [test, count > 1 ? `${message} (${count})` : message].filter(Boolean).join(' > ');
    if (result[1] === 'ok') {
      passedCount++;
      continue;
    }
    const block = lines.slice(i + 1, i + 60);
    const end = block.findIndex((l) => /^\s*\.\.\.\s*$/.test(l));
    const yaml = block.slice(0, end < 0 ? undefined : end).join('\n');
    const data = tapDiagnostics(yaml);
    const detail = data ? diagnosticLines(data, ['operator', 'expected', 'actual']).join('\n') : yaml;
    failures.push({ name, message: firstLines(detail) });
  }
  return { passedCount, failedCount: failures.length, failures };
}

// The project's `-r`/`--require` modules load before its tests; coverage wrappers (`nyc tape …`) are left out.
export const tape: JsRunner = {
  name: 'tape',
  writesResults: false,
  command: ({ files, script }) => {
    const args = invocationArgs(script, 'tape');
    const requires: string[] = [];
    for (const [i, arg] of args.entries()) {
      if ((arg === '-r' || arg === '--require') && args[i + 1]) requires.push(arg, args[i + 1] ?? '');
    }
    return ['tape', ...requires, ...files.map(quote)].join(' ');
  },
  parse: (stdout) => parseTape(stdout),
};

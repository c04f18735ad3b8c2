import { describe, expect, it } from 'vitest';
import { parseProblems } from '../../src/eval/problems.js';

const good = {
  id: 'py-sum',
  language: 'python',
  statement: 'Return the sum of nums.',
  entry: 'total',
  tests: [
    { args: [[1, 2]], expected: 3 },
    { argsCode: '[list(range(10))]', expected: 45 },
  ],
  references: [{ code: 'def total(nums):\n    return sum(nums)\n' }],
};

describe('parseProblems', () => {
  it('keeps every valid line and reports each bad one with its line number and why', () => {
    const lines = [
      JSON.stringify(good),
      '{ not json',
      JSON.stringify({ ...good, id: 'py-no-tests', tests: [] }),
      JSON.stringify({ ...good, id: 'py-both', tests: [{ args: [1], argsCode: '[1]', expected: 1 }] }),
      JSON.stringify({ ...good, id: 'rb-sum', language: 'ruby' }),
      '',
      JSON.stringify(good),
      JSON.stringify({ ...good, id: 'js-sum', language: 'javascript', entry: 'total' }),
    ];
    const { problems, errors } = parseProblems(lines.join('\n'));
    expect(problems.map((p) => p.id)).toEqual(['py-sum', 'js-sum']);
    expect(errors).toHaveLength(5);
    expect(errors[0]).toMatch(/^line 2: not JSON/);
    expect(errors[1]).toMatch(/^line 3: tests: /);
    expect(errors[2]).toMatch(/^line 4: tests\.0: a test case has either args or argsCode/);
    expect(errors[3]).toMatch(/^line 5: language: /);
    expect(errors[4]).toBe("line 7: id py-sum repeats an earlier problem's");
  });

  it('refuses an entry that is not an identifier and unknown keys', () => {
    const { errors } = parseProblems(
      [JSON.stringify({ ...good, entry: 'total; import os' }), JSON.stringify({ ...good, extra: 1 })].join(
        '\n',
      ),
    );
    expect(errors[0]).toMatch(/^line 1: entry: an identifier/);
    expect(errors[1]).toMatch(/^line 2: problem: Unrecognized key/);
  });
});

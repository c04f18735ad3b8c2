import { describe, expect, it } from 'vitest';
import { outputTail } from '../../src/harness/test-run.js';

describe('outputTail', () => {
  it('keeps the error message of a crash whose stack trace is longer than the tail', () => {
    const frames = Array.from(
      { length: 14 },
      (_, i) => `    at frame${i} (/work/node_modules/mocha/lib/x.js:${i}:1)`,
    );
    const output = [
      '/work/test/curryN.js:3',
      "var R = require('..');",
      '^',
      '',
      "Error: Cannot find module 'ramda'",
      ...frames,
      '',
      'Node.js v18.20.4',
    ].join('\n');
    const tail = outputTail(output);
    expect(tail).toContain("Error: Cannot find module 'ramda'");
    expect(tail).toContain('    at frame0 ');
    expect(tail).toContain('    … 12 more frames');
    expect(tail).not.toContain('frame13');
    expect(tail.split('\n').at(-1)).toBe('Node.js v18.20.4');
  });

  it('leaves short output as it is and keeps its last lines', () => {
    expect(outputTail('a\n  at not-a-frame\nb')).toBe('a\n  at not-a-frame\nb');
    const long = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    expect(outputTail(long).split('\n')).toEqual(Array.from({ length: 15 }, (_, i) => `line ${i + 25}`));
  });
});

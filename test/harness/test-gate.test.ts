import { describe, expect, it } from 'vitest';
import { hasPerTestResults, judgeRun, openGate } from '../../src/harness/test-gate.js';
import type { TestRun } from '../../src/harness/types.js';

function run(fields: Partial<TestRun>): TestRun {
  return { command: 'pytest', outcome: 'ok', passed: true, durationMs: 1, outputTail: 'tail', ...fields };
}

const networkFailure = { name: 'tests.test_net::test_fetch', message: 'ConnectionError' };
const baseline = run({
  outcome: 'failed',
  passed: false,
  passedCount: 5,
  failedCount: 1,
  failures: [networkFailure],
});

describe('pass-to-pass gate', () => {
  it('leaves out tests that fail on the original and judges candidates by the others', () => {
    const opened = openGate(baseline);
    if (!('gate' in opened)) throw new Error(opened.reason);
    expect(opened.gate).toMatchObject({ kind: 'per-test', passedCount: 5, preexisting: [networkFailure] });
    expect(judgeRun(opened.gate, baseline)).toEqual({ passed: true });
    const broken = run({
      outcome: 'failed',
      passed: false,
      passedCount: 4,
      failedCount: 2,
      failures: [networkFailure, { name: 'tests.test_sum::test_total', message: 'assert 3 == 4' }],
    });
    expect(judgeRun(opened.gate, broken)).toMatchObject({
      passed: false,
      newFailures: [{ name: 'tests.test_sum::test_total' }],
    });
  });

  it('fails a candidate whose run passes fewer tests, crashes or names no failing test', () => {
    const opened = openGate(baseline);
    if (!('gate' in opened)) throw new Error(opened.reason);
    const fewer = run({
      outcome: 'failed',
      passed: false,
      passedCount: 2,
      failedCount: 1,
      failures: [networkFailure],
    });
    expect(judgeRun(opened.gate, fewer)).toMatchObject({
      passed: false,
      why: expect.stringContaining('2 of'),
    });
    expect(
      judgeRun(opened.gate, run({ outcome: 'timeout', passed: false, passedCount: 5, failures: [] })),
    ).toMatchObject({ passed: false, why: 'timeout' });
    const unnamed = run({ outcome: 'failed', passed: false, passedCount: 5, failedCount: 0, failures: [] });
    expect(hasPerTestResults(unnamed)).toBe(false);
    expect(judgeRun(opened.gate, unnamed).passed).toBe(false);
  });

  it('skips a target that no passing test reaches, and keeps the old rule without per-test results', () => {
    const none = openGate(
      run({ outcome: 'failed', passed: false, passedCount: 0, failedCount: 1, failures: [networkFailure] }),
    );
    expect(none).toEqual({ reason: expect.stringContaining('no passing test reaches it') });
    expect(openGate(run({ outcome: 'failed', passed: false }))).toEqual({
      reason: 'the tests fail before any change: tail',
    });
    const whole = openGate(run({}));
    if (!('gate' in whole)) throw new Error(whole.reason);
    expect(judgeRun(whole.gate, run({ outcome: 'failed', passed: false })).passed).toBe(false);
  });
});

import type { TestFailure, TestRun } from './types.js';

/**
 * The pass-to-pass gate. Tests that already fail on the original say nothing about a candidate, so they are left
 * out; a candidate fails when a test that passed on the original fails, when fewer tests pass, or when the run
 * crashes or times out. Runs without per-test results (a bare test script) fall back to the whole run's outcome.
 */
export type TestGate =
  | { kind: 'per-test'; preexisting: TestFailure[]; passedCount: number }
  | { kind: 'whole-run' };

export type GateVerdict = { passed: true } | { passed: false; newFailures: TestFailure[]; why: string };

/** True when the run finished and every failing test is named, so failures can be compared one by one. */
export function hasPerTestResults(run: TestRun): boolean {
  if (run.outcome !== 'ok' && run.outcome !== 'failed') return false;
  if (run.passedCount === undefined || run.failures === undefined) return false;
  if ((run.failedCount ?? run.failures.length) !== run.failures.length) return false;
  // A failed run that names no failing test failed for a reason of its own (a test file that cannot load).
  return run.outcome === 'ok' || run.failures.length > 0;
}

/** The gate the original's run opens, or why the target cannot be verified by tests. */
export function openGate(baseline: TestRun): { gate: TestGate } | { reason: string } {
  if (!hasPerTestResults(baseline)) {
    if (baseline.passed) return { gate: { kind: 'whole-run' } };
    if (baseline.outcome !== 'failed') {
      return { reason: `the tests ${endedHow(baseline)} before any change: ${baseline.outputTail}` };
    }
    return { reason: `the tests fail before any change: ${describeFailures(baseline)}` };
  }
  const passedCount = baseline.passedCount ?? 0;
  if (passedCount === 0) {
    const failing = baseline.failures?.length ?? 0;
    const why = failing > 0 ? `: ${failing} fail before any change: ${describeFailures(baseline)}` : '';
    return { reason: `not covered by tests: no passing test reaches it${why}` };
  }
  return { gate: { kind: 'per-test', preexisting: baseline.failures ?? [], passedCount } };
}

export function judgeRun(gate: TestGate, run: TestRun): GateVerdict {
  if (gate.kind === 'whole-run' || !hasPerTestResults(run)) {
    return run.passed
      ? { passed: true }
      : { passed: false, newFailures: run.failures ?? [], why: run.outcome };
  }
  const known = new Set(gate.preexisting.map((f) => f.name));
  const newFailures = (run.failures ?? []).filter((f) => !known.has(f.name));
  if (newFailures.length > 0) return { passed: false, newFailures, why: 'failed' };
  const passed = run.passedCount ?? 0;
  if (passed < gate.passedCount) {
    return {
      passed: false,
      newFailures: [],
      why: `ran fewer passing tests (${passed} of the original's ${gate.passedCount})`,
    };
  }
  return { passed: true };
}

/** Names of the tests the gate leaves out because they fail on the original. */
export function preexistingNames(gate: TestGate): string[] {
  return gate.kind === 'per-test' ? gate.preexisting.map((f) => f.name) : [];
}

/** Why the tests failed while the target's calls were recorded (judged by the gate), or undefined. */
export function recordingFailure(gate: TestGate, captureRun: TestRun): string | undefined {
  const recorded = judgeRun(gate, captureRun);
  if (recorded.passed) return undefined;
  return captureRun.outcome === 'failed' || captureRun.outcome === 'ok'
    ? `the tests fail when its calls are recorded: ${describeFailures(captureRun, recorded.newFailures)}`
    : `the tests ${endedHow(captureRun)} when its calls are recorded: ${captureRun.outputTail}`;
}

/** The run, marked with the tests the gate leaves out because they fail on the original. */
export function withPreexisting(gate: TestGate, run: TestRun): TestRun {
  const names = preexistingNames(gate);
  return names.length > 0 ? { ...run, preexistingFailures: names } : run;
}

/** `timed out after 540 s`, `ran out of memory`, … for a run that did not finish on its own. */
export function endedHow(run: TestRun): string {
  switch (run.outcome) {
    case 'timeout':
      return `timed out after ${Math.round(run.durationMs / 1000)} s`;
    case 'oom':
      return 'ran out of memory';
    case 'output-limit':
      return 'printed past the output limit';
    case 'crashed':
      return 'crashed';
    default:
      return 'failed';
  }
}

export function describeFailures(tests: TestRun, failures = tests.failures): string {
  if (failures && failures.length > 0) {
    return failures
      .slice(0, 3)
      .map((f) => `${f.name}: ${f.message}`)
      .join('\n');
  }
  return tests.outputTail;
}

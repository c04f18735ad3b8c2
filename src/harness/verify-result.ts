import type { ExecResult } from '../sandbox/types.js';
import { calibrateNoiseFloor, type NoiseCalibration } from '../stats/index.js';
import { outputTail, runnerResult } from './runner-output.js';
import type { RunnerMeasurement, RunnerScale } from './scaled-benchmark.js';
import type { MemoryComparison } from './types.js';

/** What the verify runners (node/verify-runner.mjs, python/verify_runner.py) print as their last line. */
export type RunnerResult =
  | ({ status: 'measured' } & RunnerMeasurement)
  | { status: 'deterministic'; calls: number; unreplayable?: number }
  | {
      status: 'mismatch';
      call: number;
      what: string;
      input: string;
      expected: string;
      actual: string;
      /** Set when the difference showed on an input grown ×scale from the recorded call (size n). */
      scale?: number;
      size?: number;
      /** `model`: the difference showed on an input the model's generator made (size = its n). */
      source?: 'model';
    }
  | { status: 'non-deterministic'; call: number; what: string; first: string; second: string }
  | { status: 'no-calls'; unreplayable?: number }
  | { status: 'memory'; calls: number; repeats: number }
  | { status: 'counted'; calls: number; passes: number }
  | { status: 'tripwire'; message: string }
  | { status: 'error'; message: string };

/** The A/A calibration with the raw samples it came from (per-call ns of each arm, one per measured round). */
export interface Calibration extends NoiseCalibration {
  repeats: number;
  calls: number;
  originalNs: number[];
  candidateNs: number[];
  /** The A/A run at each scale, and the noise floor per scale (scaleKey; "1" = the tests' own inputs). */
  scales: RunnerScale[];
  scaleNotes: string[];
  floors: Map<string, number>;
}

export function parseRunnerOutput(run: ExecResult): RunnerResult {
  const result = runnerResult(run) as RunnerResult | undefined;
  return (
    result ?? { status: 'error', message: `verify runner ${run.outcome} with no result:\n${outputTail(run)}` }
  );
}

export function describeRunner(result: RunnerResult): string {
  return 'message' in result ? result.message : result.status;
}

/** Calls the recorder could not keep, and why (count per reason). */
export interface SkippedCalls {
  count: number;
  reasons: Map<string, number>;
}

/**
 * Why the original's recorded calls cannot be used (prepare's check run: each replayed twice on the original),
 * or undefined when they can. Counts the callbacks the replay could not answer among the calls left out.
 */
export function replayCheckFailure(
  check: RunnerResult,
  unkept: SkippedCalls,
  name: string,
  minCapturedCalls: number,
): string | undefined {
  if ('unreplayable' in check && check.unreplayable) {
    const reason =
      'a callback the replay cannot answer (called after the call returned, or not by the function)';
    unkept.reasons.set(reason, check.unreplayable);
    unkept.count += check.unreplayable;
  }
  if (check.status === 'no-calls') {
    if (unkept.count === 0) return `not covered by tests: the tests never called \`${name}\``;
    const why = [...unkept.reasons]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([reason, n]) => `${n}× ${reason}`)
      .join(', ');
    return `cannot be replayed: the tests called \`${name}\` ${unkept.count} times, but with arguments afterburner cannot record (${why})`;
  }
  if (check.status === 'non-deterministic') {
    return (
      `non-deterministic: two runs of the original on captured call ${check.call} differ in ${check.what} ` +
      `(${check.first} vs ${check.second})`
    );
  }
  if (check.status !== 'deterministic') return `replaying its calls failed: ${describeRunner(check)}`;
  if (check.calls < minCapturedCalls) {
    return `not covered by tests: ${check.calls} calls captured, ${minCapturedCalls} needed`;
  }
  return undefined;
}

/** The rejection reason for a candidate that answered a recorded, grown or generated call differently. */
export function describeMismatch(result: Extract<RunnerResult, { status: 'mismatch' }>): string {
  const on =
    result.source === 'model'
      ? `model-generated input ${result.call} at n = ${result.size}`
      : result.scale !== undefined
        ? `captured call ${result.call} scaled ×${result.scale} (n = ${result.size})`
        : `captured call ${result.call}`;
  return (
    `differs from the original in its ${result.what} on ${on}: input ${result.input}; ` +
    `expected ${result.expected}, got ${result.actual}`
  );
}

/** Each side's memory from its own replay process (the sandbox's measurement), above the process's start. */
function memoryComparison(
  original: NonNullable<ExecResult['resources']>,
  candidate: NonNullable<ExecResult['resources']>,
): MemoryComparison {
  return {
    originalPeakBytes: Math.max(0, original.peakMemoryBytes - original.baselineMemoryBytes),
    candidatePeakBytes: Math.max(0, candidate.peakMemoryBytes - candidate.baselineMemoryBytes),
    originalIntegralMibMs: original.memoryIntegralMibMs,
    candidateIntegralMibMs: candidate.memoryIntegralMibMs,
    source: original.source,
  };
}

/**
 * Runs the verify runner's memory pass for each side in a process of its own (`run`); undefined when a side's
 * memory could not be measured, `tripped` when the candidate's pass tripped the tripwire.
 */
export async function measureMemory(
  run: (role: 'original' | 'candidate') => Promise<ExecResult>,
): Promise<MemoryComparison | { tripped: string } | undefined> {
  const resources: Partial<Record<'original' | 'candidate', NonNullable<ExecResult['resources']>>> = {};
  for (const role of ['original', 'candidate'] as const) {
    const exec = await run(role);
    const outcome = parseRunnerOutput(exec);
    if (outcome.status === 'tripwire') return { tripped: outcome.message };
    if (outcome.status !== 'memory' || !exec.resources) return undefined;
    resources[role] = exec.resources;
  }
  const { original, candidate } = resources;
  return original && candidate ? memoryComparison(original, candidate) : undefined;
}

/** The A/A run's calibration with the samples it rests on. */
export function calibrationOf(
  run: Extract<RunnerResult, { status: 'measured' }>,
  floors: Map<string, number>,
  seed: number,
): Calibration {
  return {
    ...calibrateNoiseFloor(run.originalNs, run.candidateNs, { seed, paired: true }),
    repeats: run.repeats,
    calls: run.calls,
    originalNs: run.originalNs,
    candidateNs: run.candidateNs,
    scales: run.scales ?? [],
    scaleNotes: run.scaleNotes ?? [],
    floors,
  };
}

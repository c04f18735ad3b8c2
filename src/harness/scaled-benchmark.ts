import {
  type ComplexityFit,
  calibrateNoiseFloor,
  compareSamples,
  decideVerdict,
  fitComplexity,
  type MeasuredScale,
  median,
  type SpeedupEstimate,
} from '../stats/index.js';
import type { Benchmark, ScaleBenchmark } from './types.js';

/** One scale as the verify runners time it: grown calls, per-round ns of one pass over them per side. */
export interface RunnerScale {
  factor: number;
  calls: number;
  /** The largest grown input and the mean over the calls (the fit's n). */
  n: number;
  meanN: number;
  repeats: number;
  originalNs: number[];
  candidateNs: number[];
}

/** What the verify runners report when both sides were timed. */
export interface RunnerMeasurement {
  calls: number;
  /** Input size of the recorded calls (their largest collection). */
  n?: number;
  repeats: number;
  originalNs: number[];
  candidateNs: number[];
  scales?: RunnerScale[];
  scaleNotes?: string[];
}

/** The A/A run's noise floor per scale (factor 1 = the tests' own inputs). */
export function noiseFloors(run: RunnerMeasurement, seed: number): Map<number, number> {
  const floors = new Map<number, number>();
  const floorOf = (originalNs: number[], candidateNs: number[]) =>
    calibrateNoiseFloor(originalNs, candidateNs, { seed, paired: true }).noiseFloor;
  floors.set(1, floorOf(run.originalNs, run.candidateNs));
  for (const scale of run.scales ?? []) {
    if (scale.originalNs.length >= 3) floors.set(scale.factor, floorOf(scale.originalNs, scale.candidateNs));
  }
  return floors;
}

/** Each version's fitted complexity over the scales; undefined with fewer than two timed scales. */
export function fitVersions(
  scales: readonly RunnerScale[],
): { original: ComplexityFit; candidate: ComplexityFit } | undefined {
  const points = (side: 'originalNs' | 'candidateNs') =>
    scales.map((s) => ({ n: s.meanN, ns: median(s[side]) / s.calls }));
  const original = fitComplexity(points('originalNs'));
  const candidate = fitComplexity(points('candidateNs'));
  return original && candidate ? { original, candidate } : undefined;
}

interface BenchmarkOptions {
  minSpeedup: number;
  seed: number;
  /** From `noiseFloors` of the A/A run; a scale it did not time gets the tests' inputs' floor. */
  floors: ReadonlyMap<number, number>;
}

/**
 * The benchmark of one candidate: the comparison on the tests' own inputs and at every scale, each version's
 * complexity, and the verdict policy's decision on them.
 */
export function scaledBenchmark(result: RunnerMeasurement, options: BenchmarkOptions): Benchmark {
  const floorOwn = options.floors.get(1) ?? 1;
  const compare = (originalNs: number[], candidateNs: number[], floor: number) =>
    compareSamples(originalNs, candidateNs, {
      minSpeedup: options.minSpeedup,
      noiseFloor: floor,
      seed: options.seed,
      paired: true,
    });
  const own = compare(result.originalNs, result.candidateNs, floorOwn);
  const timed = (result.scales ?? [])
    .filter((s) => s.originalNs.length >= 3)
    .sort((a, b) => a.factor - b.factor);
  const measured: (MeasuredScale & { runner: RunnerScale })[] = timed.map((s) => ({
    factor: s.factor,
    n: s.n,
    comparison: compare(s.originalNs, s.candidateNs, options.floors.get(s.factor) ?? floorOwn),
    runner: s,
  }));
  const complexity = fitVersions(timed);
  const decision = decideVerdict({ own, scales: measured, complexity });
  const scales: ScaleBenchmark[] = measured.map(({ factor, n, comparison, runner }) => ({
    factor,
    n,
    calls: runner.calls,
    repeats: runner.repeats,
    rounds: runner.originalNs.length,
    originalMedianNs: median(runner.originalNs),
    candidateMedianNs: median(runner.candidateNs),
    estimate: comparison.estimate,
    verdict: comparison.verdict,
    uTestP: comparison.uTest.pValue,
    threshold: comparison.threshold,
  }));
  return {
    calls: result.calls,
    repeats: result.repeats,
    rounds: result.originalNs.length,
    originalMedianNs: median(result.originalNs),
    candidateMedianNs: median(result.candidateNs),
    estimate: own.estimate,
    verdict: own.verdict,
    uTestP: own.uTest.pValue,
    threshold: own.threshold,
    ...(result.n !== undefined ? { n: result.n } : {}),
    ...(scales.length > 0 ? { scales } : {}),
    ...(complexity ? { complexity } : {}),
    ...(result.scaleNotes && result.scaleNotes.length > 0
      ? { scaleNotes: result.scaleNotes.slice(0, 20) }
      : {}),
    decision: {
      outcome: decision.outcome,
      factor: decision.basis.factor,
      ...(decision.basis.n !== undefined ? { n: decision.basis.n } : {}),
      estimate: decision.basis.estimate,
      reason: decision.reason,
    },
  };
}

/** The speedup a benchmark's verdict rests on: at the largest scale, or on the tests' own inputs. */
export function headlineEstimate(benchmark: Benchmark): SpeedupEstimate {
  return benchmark.decision?.estimate ?? benchmark.estimate;
}

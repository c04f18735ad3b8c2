import { seededRandom } from './random.js';
import { median, quantileSorted } from './summary.js';

export interface SpeedupEstimate {
  /** median(original) / median(candidate): 2 means the candidate takes half the time. */
  speedup: number;
  /** Bootstrap confidence interval of that ratio. */
  low: number;
  high: number;
  confidence: number;
  resamples: number;
}

export type Verdict = 'faster' | 'slower' | 'inconclusive';

export interface CompareOptions {
  resamples?: number;
  confidence?: number;
  seed?: number;
}

function resampleMedian(values: readonly number[], picked: Float64Array, random: () => number): number {
  for (let i = 0; i < values.length; i++) picked[i] = values[Math.floor(random() * values.length)] as number;
  // Typed arrays sort numerically in native code, several times faster than a comparator sort.
  picked.sort();
  const mid = picked.length >> 1;
  return picked.length % 2 === 1
    ? (picked[mid] as number)
    : ((picked[mid - 1] as number) + (picked[mid] as number)) / 2;
}

/** Percentile-bootstrap confidence interval of the ratio of medians (original over candidate), seeded. */
export function estimateSpeedup(
  originalSamples: readonly number[],
  candidateSamples: readonly number[],
  options: CompareOptions = {},
): SpeedupEstimate {
  if (originalSamples.length < 3 || candidateSamples.length < 3) {
    throw new Error('need at least 3 samples of each side to compare');
  }
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const random = seededRandom(options.seed ?? 0x5eed);
  const ratios = new Array<number>(resamples);
  const pickedOriginal = new Float64Array(originalSamples.length);
  const pickedCandidate = new Float64Array(candidateSamples.length);
  for (let i = 0; i < resamples; i++) {
    ratios[i] =
      resampleMedian(originalSamples, pickedOriginal, random) /
      resampleMedian(candidateSamples, pickedCandidate, random);
  }
  ratios.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return {
    speedup: median(originalSamples) / median(candidateSamples),
    low: quantileSorted(ratios, tail),
    high: quantileSorted(ratios, 1 - tail),
    confidence,
    resamples,
  };
}

/**
 * Percentile-bootstrap confidence interval of the median of per-round ratios (original over candidate), for
 * samples taken in interleaved pairs: `originalSamples[i]` and `candidateSamples[i]` ran back to back in round i.
 * A slowdown that hits a whole round (another tenant, frequency scaling) cancels out of that round's ratio, and a
 * round one arm lost to preemption is one outlying ratio that the median ignores; resampling whole rounds keeps
 * the pairing.
 */
export function estimatePairedSpeedup(
  originalSamples: readonly number[],
  candidateSamples: readonly number[],
  options: CompareOptions = {},
): SpeedupEstimate {
  if (originalSamples.length !== candidateSamples.length) {
    throw new Error(
      `paired samples need one of each side per round, got ${originalSamples.length} and ${candidateSamples.length}`,
    );
  }
  if (originalSamples.length < 3) throw new Error('need at least 3 samples of each side to compare');
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const random = seededRandom(options.seed ?? 0x5eed);
  const roundRatios = originalSamples.map((value, i) => value / (candidateSamples[i] as number));
  const ratios = new Array<number>(resamples);
  const picked = new Float64Array(roundRatios.length);
  for (let i = 0; i < resamples; i++) ratios[i] = resampleMedian(roundRatios, picked, random);
  ratios.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return {
    speedup: median(roundRatios),
    low: quantileSorted(ratios, tail),
    high: quantileSorted(ratios, 1 - tail),
    confidence,
    resamples,
  };
}

/**
 * "faster" only when the whole interval clears the minimum speedup (0.1 = 10% faster); "slower" when the
 * whole interval lies below 1; anything else is noise we cannot tell apart.
 */
export function verdictOf(estimate: SpeedupEstimate, minSpeedup: number): Verdict {
  if (estimate.low >= 1 + minSpeedup) return 'faster';
  if (estimate.high < 1) return 'slower';
  return 'inconclusive';
}

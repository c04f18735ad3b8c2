/**
 * One comparison of two timings (the statistics; whether a candidate is suggested is decided from one or more of
 * these in verdict-policy.ts).
 *
 * - Samples: each arm's cost per call in interleaved rounds (A B / B A in random order, warm-ups discarded).
 *   When the rounds are paired (`paired: true`, as the verify runners produce them), the speedup is the median
 *   of the per-round ratios original/candidate, with a bootstrap over whole rounds; otherwise the ratio of the
 *   two medians, with a bootstrap of each arm.
 * - Noise floor: an A/A run (the original against a second copy of itself, same protocol) gives an interval;
 *   its floor is max(high, 1 / low), the largest ratio identical code showed either way. This counts the noise
 *   twice on purpose (the candidate's own interval carries it too): a false "faster" is worse than a missed one.
 * - "faster": the candidate's interval lower bound clears max(1 + minSpeedup, floor) AND a rank test rejects
 *   "same distribution" in the candidate's favour (paired: Wilcoxon signed-rank on the per-round ratios;
 *   unpaired: Mann-Whitney U). "slower": the whole interval below 1 and the rank test agreeing. Anything else
 *   is "inconclusive".
 */
import {
  type CompareOptions,
  estimatePairedSpeedup,
  estimateSpeedup,
  type SpeedupEstimate,
  type Verdict,
} from './compare.js';
import { mannWhitneyU, type UTestResult } from './mann-whitney.js';
import { wilcoxonSignedRank } from './signed-rank.js';

export interface PairingOptions extends CompareOptions {
  /** Sample i of each arm ran in the same round (interleaved); the estimate then uses per-round ratios. */
  paired?: boolean;
}

function rankTest(original: readonly number[], candidate: readonly number[], options: PairingOptions) {
  return options.paired ? wilcoxonSignedRank(original, candidate) : mannWhitneyU(original, candidate);
}

function estimate(original: readonly number[], candidate: readonly number[], options: PairingOptions) {
  return options.paired
    ? estimatePairedSpeedup(original, candidate, options)
    : estimateSpeedup(original, candidate, options);
}

export interface CompareSamplesOptions extends PairingOptions {
  /** Minimum speedup worth reporting: 0.1 means the candidate must be at least 10% faster. */
  minSpeedup: number;
  /** Speedup ratio that identical code can show on this machine (from `calibrateNoiseFloor`); 1 = none. */
  noiseFloor?: number;
  /** Significance level of the rank test (default 0.05). */
  alpha?: number;
}

export interface SampleComparison {
  estimate: SpeedupEstimate;
  /**
   * Rank test (signed-rank when paired, else U) with the original first: a small p and `probabilityGreater` > 0.5
   * = candidate faster.
   */
  uTest: UTestResult;
  /** The interval's lower bound must reach this ratio: max(1 + minSpeedup, noiseFloor). */
  threshold: number;
  verdict: Verdict;
  /** One line saying why, for logs and reports. */
  reason: string;
}

/**
 * Compares timings (lower is better) of the original and a candidate. "faster" needs both opinions: the
 * bootstrap interval of the speedup (policy above) clears the threshold AND the U test rejects "same distribution"
 * in the candidate's favour. "slower" needs the whole interval below 1 and the U test agreeing.
 */
export function compareSamples(
  originalSamples: readonly number[],
  candidateSamples: readonly number[],
  options: CompareSamplesOptions,
): SampleComparison {
  const alpha = options.alpha ?? 0.05;
  const noiseFloor = Math.max(1, options.noiseFloor ?? 1);
  const threshold = Math.max(1 + options.minSpeedup, noiseFloor);
  const speedup = estimate(originalSamples, candidateSamples, options);
  const uTest = rankTest(originalSamples, candidateSamples, options);
  const significant = uTest.pValue < alpha;
  const interval = `${speedup.speedup.toFixed(3)}x [${speedup.low.toFixed(3)}, ${speedup.high.toFixed(3)}]`;
  const u = `${options.paired ? 'signed-rank test' : 'U test'} p=${uTest.pValue.toPrecision(2)}`;
  if (speedup.low >= threshold && significant && uTest.probabilityGreater > 0.5) {
    return {
      estimate: speedup,
      uTest,
      threshold,
      verdict: 'faster',
      reason: `${interval} clears ${threshold.toFixed(3)}x; ${u}`,
    };
  }
  if (speedup.high < 1 && significant && uTest.probabilityGreater < 0.5) {
    return {
      estimate: speedup,
      uTest,
      threshold,
      verdict: 'slower',
      reason: `${interval} lies below 1; ${u}`,
    };
  }
  const why =
    speedup.low < threshold
      ? `lower bound ${speedup.low.toFixed(3)}x does not clear ${threshold.toFixed(3)}x`
      : `the U test disagrees (${u})`;
  return { estimate: speedup, uTest, threshold, verdict: 'inconclusive', reason: `${interval}: ${why}` };
}

export interface NoiseCalibration {
  /** The largest ratio identical code showed, either way: max(high, 1 / low) of the A/A interval (≥ 1). */
  noiseFloor: number;
  estimate: SpeedupEstimate;
  uTest: UTestResult;
}

/**
 * A/A calibration: both arms ran the same code, interleaved like a real comparison. Whatever ratio they show
 * is noise or a position bias of the protocol (e.g. the first-loaded copy getting better JIT treatment), and a
 * real comparison must clear it.
 */
export function calibrateNoiseFloor(
  firstArm: readonly number[],
  secondArm: readonly number[],
  options: PairingOptions = {},
): NoiseCalibration {
  const measured = estimate(firstArm, secondArm, options);
  return {
    noiseFloor: Math.max(1, measured.high, 1 / measured.low),
    estimate: measured,
    uTest: rankTest(firstArm, secondArm, options),
  };
}

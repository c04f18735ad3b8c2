import { type CompareOptions, estimateSpeedup, type SpeedupEstimate, type Verdict } from './compare.js';
import { mannWhitneyU, type UTestResult } from './mann-whitney.js';

export interface CompareSamplesOptions extends CompareOptions {
  /** Minimum speedup worth reporting: 0.1 means the candidate must be at least 10% faster. */
  minSpeedup: number;
  /** Speedup ratio that identical code can show on this machine (from `calibrateNoiseFloor`); 1 = none. */
  noiseFloor?: number;
  /** Significance level of the U test (default 0.05). */
  alpha?: number;
}

export interface SampleComparison {
  estimate: SpeedupEstimate;
  /** U test with the original as the first sample: a small p and `probabilityGreater` > 0.5 = candidate faster. */
  uTest: UTestResult;
  /** The interval's lower bound must reach this ratio: max(1 + minSpeedup, noiseFloor). */
  threshold: number;
  verdict: Verdict;
  /** One line saying why, for logs and reports. */
  reason: string;
}

/**
 * Compares timings (lower is better) of the original and a candidate. "faster" needs both opinions: the
 * bootstrap interval of the ratio of medians clears the threshold AND the U test rejects "same distribution"
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
  const estimate = estimateSpeedup(originalSamples, candidateSamples, options);
  const uTest = mannWhitneyU(originalSamples, candidateSamples);
  const significant = uTest.pValue < alpha;
  const interval = `${estimate.speedup.toFixed(3)}x [${estimate.low.toFixed(3)}, ${estimate.high.toFixed(3)}]`;
  const u = `U test p=${uTest.pValue.toPrecision(2)}`;
  if (estimate.low >= threshold && significant && uTest.probabilityGreater > 0.5) {
    return {
      estimate,
      uTest,
      threshold,
      verdict: 'faster',
      reason: `${interval} clears ${threshold.toFixed(3)}x; ${u}`,
    };
  }
  if (estimate.high < 1 && significant && uTest.probabilityGreater < 0.5) {
    return { estimate, uTest, threshold, verdict: 'slower', reason: `${interval} lies below 1; ${u}` };
  }
  const why =
    estimate.low < threshold
      ? `lower bound ${estimate.low.toFixed(3)}x does not clear ${threshold.toFixed(3)}x`
      : `the U test disagrees (${u})`;
  return { estimate, uTest, threshold, verdict: 'inconclusive', reason: `${interval}: ${why}` };
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
  options: CompareOptions = {},
): NoiseCalibration {
  const estimate = estimateSpeedup(firstArm, secondArm, options);
  return {
    noiseFloor: Math.max(1, estimate.high, 1 / estimate.low),
    estimate,
    uTest: mannWhitneyU(firstArm, secondArm),
  };
}

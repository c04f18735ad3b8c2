import { seededRandom } from './random.js';

export interface NoiseModel {
  /** Coefficient of variation of the well-behaved part (CodSpeed measured 2.66% on hosted runners). */
  cv: number;
  /** Share of samples hit by an interruption (GC, preemption, another tenant). */
  outlierRate: number;
  /** An outlier costs this much more, drawn uniformly from [1, 1 + outlierCost]. */
  outlierCost: number;
  /** Per-round slowdown shared by both arms of a round (frequency scaling, noisy neighbour), as a CV. */
  roundDrift: number;
}

/** A shared CI runner: 3% CV, 5% of samples up to 2x slower, 2% drift between rounds. */
export const sharedRunnerNoise: NoiseModel = {
  cv: 0.03,
  outlierRate: 0.05,
  outlierCost: 1,
  roundDrift: 0.02,
};

export interface SyntheticPairOptions {
  /** True cost of the original per sample (any unit, e.g. ms). */
  originalCost: number;
  /** original / candidate: 1.2 means the candidate is truly 20% faster; 1 is an A/A comparison. */
  trueSpeedup: number;
  rounds: number;
  seed: number;
  noise?: NoiseModel;
}

/**
 * Interleaved samples of two arms under a realistic noise model (log-normal jitter, rare heavy outliers,
 * drift shared within a round), for testing and benchmarking the statistics against a known truth.
 */
export function syntheticPair(options: SyntheticPairOptions): { original: number[]; candidate: number[] } {
  const noise = options.noise ?? sharedRunnerNoise;
  const random = seededRandom(options.seed);
  const gaussian = () => {
    // Box-Muller; 1 - random() avoids log(0).
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    return radius * Math.cos(2 * Math.PI * random());
  };
  const sigma = Math.sqrt(Math.log(1 + noise.cv ** 2));
  const sample = (cost: number, drift: number) => {
    const outlier = random() < noise.outlierRate ? 1 + random() * noise.outlierCost : 1;
    return cost * drift * Math.exp(sigma * gaussian() - sigma ** 2 / 2) * outlier;
  };
  const original: number[] = [];
  const candidate: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const drift = Math.exp(noise.roundDrift * gaussian());
    original.push(sample(options.originalCost, drift));
    candidate.push(sample(options.originalCost / options.trueSpeedup, drift));
  }
  return { original, candidate };
}

export {
  type CompareOptions,
  estimatePairedSpeedup,
  estimateSpeedup,
  type SpeedupEstimate,
  type Verdict,
  verdictOf,
} from './compare.js';
export {
  type CompareSamplesOptions,
  calibrateNoiseFloor,
  compareSamples,
  type NoiseCalibration,
  type PairingOptions,
  type SampleComparison,
} from './compare-samples.js';
export {
  type ComplexityFit,
  type ComplexityPoint,
  complexityLabel,
  defaultMinFitNs,
  type FitOptions,
  fitComplexity,
  logLogSlope,
} from './complexity.js';
export {
  type Arm,
  type InterleavedSamples,
  type InterleaveOptions,
  interleavedRounds,
  type Round,
  type SampleInterleavedOptions,
  sampleInterleaved,
} from './interleave.js';
export { erfc, mannWhitneyU, normalCdf, type UTestResult } from './mann-whitney.js';
export { seededRandom } from './random.js';
export { wilcoxonSignedRank } from './signed-rank.js';
export { median, quantileSorted } from './summary.js';
export { type NoiseModel, type SyntheticPairOptions, sharedRunnerNoise, syntheticPair } from './synthetic.js';
export {
  decideVerdict,
  type MeasuredScale,
  type MemoryComparisons,
  type MemoryMetric,
  type PolicyDecision,
  type PolicyInput,
  type PolicyOutcome,
  type RepositoryComparison,
  verdictPolicy,
} from './verdict-policy.js';

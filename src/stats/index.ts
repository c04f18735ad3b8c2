export {
  type CompareOptions,
  estimateSpeedup,
  type SpeedupEstimate,
  type Verdict,
  verdictOf,
} from './compare.js';
export { seededRandom } from './random.js';
export { median } from './summary.js';

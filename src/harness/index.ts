export { NodeHarness, type NodeHarnessOptions } from '../languages/javascript/harness/node-harness.js';
export { resolveTestCommand } from '../languages/javascript/harness/test-command.js';
export {
  applyLineEdits,
  type Candidate,
  type CandidateEdits,
  editsOf,
  type LineEdit,
  planCandidateEdits,
} from './apply-candidate.js';
export { headlineEstimate } from './scaled-benchmark.js';
export { spliceLines } from './splice.js';
export type {
  Benchmark,
  Evaluation,
  Evaluator,
  Preparation,
  RejectionStage,
  SideEffect,
  TestRun,
} from './types.js';

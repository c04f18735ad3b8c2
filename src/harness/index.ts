export {
  applyLineEdits,
  type Candidate,
  type CandidateEdits,
  editsOf,
  type LineEdit,
  planCandidateEdits,
} from './apply-candidate.js';
export { NodeHarness, type NodeHarnessOptions } from './node-harness.js';
export { headlineEstimate } from './scaled-benchmark.js';
export { spliceLines } from './splice.js';
export { resolveTestCommand } from './test-command.js';
export type {
  Benchmark,
  Evaluation,
  Evaluator,
  Preparation,
  RejectionStage,
  SideEffect,
  TestRun,
} from './types.js';

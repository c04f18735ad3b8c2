import type { ResultCache } from '../cache/index.js';
import type { Target } from '../detect/types.js';
import type { Evaluation, Evaluator, TestEvidence } from '../harness/types.js';
import type { WorkloadOutcome } from '../harness/workload.js';
import type { Provider, TokenUsage } from '../providers/types.js';
import type { TrajectorySink } from '../trajectory/types.js';
import type { CandidateEvidence } from './candidate-evidence.js';
import type { ProjectDependencies } from './dependencies.js';
import type { Instruction } from './metric.js';
import type { WorkloadEvaluator } from './workload-request.js';

export type AttemptStatus = 'verified' | 'rejected' | 'format-error' | 'duplicate' | 'model-error';

/** One candidate tried, with its evidence (the `reason` of a verified one says why it did not become the best). */
export interface Attempt extends CandidateEvidence {
  status: AttemptStatus;
  speedup?: number;
}

export interface BestCandidate {
  /** The answer the candidate was extracted from (what the cache keeps, to check it again next time). */
  answer: string;
  source: string;
  imports: string[];
  iteration: number;
  /** What produced it: `rule <id>`, `model <name>` (CandidateEvidence.source). */
  producedBy: string;
  evaluation: Extract<Evaluation, { status: 'verified' }>;
}

export interface OptimizeResult {
  target: Target;
  best?: BestCandidate;
  attempts: Attempt[];
  usage: TokenUsage;
  /** Why no suggestion came out, when none did. */
  outcome: string;
  /** The run's token budget ran out during this target; later targets should not start. */
  budgetExhausted?: boolean;
  /** Served from the result cache: no request was made. */
  fromCache?: boolean;
  /** Why the loop stopped before its end (provider error, budget); such results are not cached. */
  interrupted?: string;
  /** The model's input generator: the sizes whose inputs candidates were timed on, and why others were not. */
  workload?: WorkloadOutcome;
}

export interface OptimizeOptions {
  target: Target;
  provider: Provider;
  evaluator: Evaluator;
  iterations: number;
  candidates: number;
  instruction?: Instruction;
  /** Asked once before the model (iteration 0): the offline catalog, free and often enough. */
  seedProvider?: Provider;
  /** Dependencies candidates may import; anything else is a "new dependency" format error. */
  dependencies?: ProjectDependencies;
  maxPromptTokens?: number;
  /** Near misses of the offline rules on this target, shown to the model as hints. */
  nearMisses?: readonly string[];
  /** Where finished outcomes are kept, under the key of this target + config + provider + tests and calls. */
  cache?: { store: ResultCache; key: string; evidence: TestEvidence };
  trajectory?: { sink: TrajectorySink; runId: string };
  onAttempt?: (attempt: Attempt) => void;
  /** Wall time this target may spend waiting for `provider` over all iterations; unbounded when absent. */
  modelTimeMs?: number;
  /** Where to add the inputs of an input generator the model is asked for first (workload-request.ts). */
  workload?: WorkloadEvaluator;
}

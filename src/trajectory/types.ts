import type { Language } from '../detect/types.js';
import type { ChatMessage, TokenUsage } from '../providers/types.js';

/** The measurements of a verified (or measured-then-rejected) candidate, as reward inputs. */
export interface CandidateMetrics {
  /** original / candidate median time; > 1 is faster. */
  speedup: number;
  low: number;
  high: number;
  originalMedianNs: number;
  candidateMedianNs: number;
  verdict: string;
}

export interface TrajectoryCandidate {
  index: number;
  /** The model's raw answer (what training would use as the completion). */
  answer: string;
  status: 'verified' | 'rejected' | 'format-error' | 'duplicate';
  /** Where a rejected candidate failed: format, tests, differential, benchmark, not-faster. */
  stage?: string;
  reason?: string;
  /** Passed the tests and the differential check. */
  passed: boolean;
  /** Became the new best. */
  kept: boolean;
  metrics?: CandidateMetrics;
}

/** One line of a trajectory log: one iteration of the loop on one target. */
export interface TrajectoryEntry {
  schemaVersion: 1;
  runId: string;
  time: string;
  targetId: string;
  path: string;
  name: string;
  language: Language;
  instruction: string;
  iteration: number;
  provider: string;
  model: string;
  messages: ChatMessage[];
  promptChars: number;
  promptTokensEstimate: number;
  usage: TokenUsage;
  /** Metrics of the code the prompt asked to improve (undefined: the original). */
  current?: CandidateMetrics;
  candidates: TrajectoryCandidate[];
}

export interface TrajectorySink {
  record(entry: TrajectoryEntry): Promise<void>;
}

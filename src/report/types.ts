import type { Language } from '../detect/types.js';
import type { LineEdit } from '../harness/apply-candidate.js';
import type { Benchmark, TestRun } from '../harness/types.js';
import type { CandidateEvidence } from '../optimize/candidate-evidence.js';
import type { TokenUsage } from '../providers/types.js';

export interface SuggestionReport {
  path: string;
  name: string;
  language: Language;
  /** Head-side lines the replacement covers, 1-based inclusive. */
  startLine: number;
  endLine: number;
  original: string;
  replacement: string;
  /** A second edit adding the import lines the candidate needs, when it needs any. */
  importEdit?: LineEdit;
  benchmark: Benchmark;
  tests: TestRun;
  differentialCalls: number;
  iteration: number;
  /** Best verified speedup at the end of each iteration (0 = the offline rules before the model). */
  history?: { iteration: number; bestSpeedup: number }[];
  /** What produced the suggested code: `rule <id>`, `model <name>`. */
  source?: string;
  /** Every candidate tried for this function, the suggested one included. */
  candidates?: CandidateEvidence[];
}

export type SkipStage = 'detect' | 'prepare' | 'optimize';

export interface SkipReport {
  path: string;
  name?: string;
  startLine?: number;
  stage: SkipStage;
  reason: string;
  /** The candidates tried before the function was given up, when any were. */
  candidates?: CandidateEvidence[];
}

export interface RunReport {
  schemaVersion: 1;
  tool: { name: 'afterburner'; version: string };
  base: string;
  head: string;
  mergeBase: string;
  headSha: string;
  /** The pull request the Action reviewed, kept so that a `workflow_run` job can post the report later. */
  pullRequest?: { number: number; headRepo?: string };
  sandbox: { kind: 'docker' | 'process'; isolated: boolean; description: string };
  provider: { name: string; model: string };
  settings: { iterations: number; candidates: number; minSpeedup: number };
  /** Functions the diff changed that were considered (optimized or skipped after detection). */
  functionsAnalysed: number;
  suggestions: SuggestionReport[];
  skipped: SkipReport[];
  /** Tokens of the whole run, and their cost when a price was configured. */
  usage: TokenUsage & { costUsd?: number };
  notices: string[];
}

/** The report's sandbox when no code had to run: nothing ran, isolated or not. */
export const sandboxNotStarted: RunReport['sandbox'] = {
  kind: 'process',
  isolated: false,
  description: 'not started (nothing to run)',
};

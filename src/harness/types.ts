import type { ExecOutcome } from '../sandbox/types.js';
import type { ComplexityFit, MemoryMetric, PolicyOutcome, SpeedupEstimate, Verdict } from '../stats/index.js';
import type { Candidate, CandidateEdits } from './apply-candidate.js';

export interface TestFailure {
  name: string;
  /** First lines of the assertion message. */
  message: string;
}

export interface TestRun {
  command: string;
  /** Which runner ran the tests (`script` = the package's whole test script). */
  runner?: string;
  /** The test files run: those that reach the target's module. */
  files?: string[];
  passedCount?: number;
  failedCount?: number;
  failures?: TestFailure[];
  /** Tests that fail on the original too: left out of the pass-to-pass gate, not used as evidence. */
  preexistingFailures?: string[];
  outcome: ExecOutcome;
  passed: boolean;
  durationMs: number;
  /** Last lines of the test output, for feedback and reports. */
  outputTail: string;
}

/** One timed comparison of original and candidate on one set of calls (the tests' own, or one grown scale). */
export interface TimedComparison {
  /** Distinct benchmark calls per round. */
  calls: number;
  /** How many times each round repeated the calls (tiny calls are batched). */
  repeats: number;
  rounds: number;
  originalMedianNs: number;
  candidateMedianNs: number;
  estimate: SpeedupEstimate;
  verdict: Verdict;
  /** Two-sided rank test p-value: the second opinion the verdict also requires. */
  uTestP?: number;
  /** The ratio the interval's lower bound had to clear: max(1 + min speedup, the A/A noise floor). */
  threshold?: number;
}

/**
 * One metric other than wall time compared like it: per-call memory (the verify runners' memory rounds; `peak` in
 * bytes per call, `integral` in byte·ns per call, peak × the call's time) or instructions per pass (callgrind).
 * The estimate is original / candidate, so 2 means the candidate needs half; "faster" in its verdict means lower.
 */
export interface MetricComparison {
  calls: number;
  rounds: number;
  originalMedian: number;
  candidateMedian: number;
  estimate: SpeedupEstimate;
  verdict: Verdict;
  uTestP?: number;
  threshold?: number;
}

export interface PerCallMemory {
  peak: MetricComparison;
  integral: MetricComparison;
}

export interface Benchmark extends TimedComparison {
  /** Per-call peak memory and memory-time integral on the tests' own inputs, with intervals. */
  perCall?: PerCallMemory;
  /** `--measure instructions`: instructions per pass over the tests' own calls, counted under callgrind. */
  instructions?: MetricComparison;
  /** Why instructions were not counted although asked for (then wall time decided). */
  instructionsNote?: string;
  /** Memory of the whole replay process per side (the sandbox's measurement), when it could be measured. */
  memory?: MemoryComparison;
  /** Input size of the tests' own calls: their largest array, string, Map, Set (list, dict, tuple…); 0 = none. */
  n?: number;
  /** The same comparison on inputs grown from the recorded calls (×10 … ×10 000) or generated, smallest n first. */
  scales?: ScaleBenchmark[];
  /** Each version's empirical complexity over the scales (log-log slope of time per call against n). */
  complexity?: { original: ComplexityFit; candidate: ComplexityFit };
  /** Why grown inputs were left out (the original throws on them, or takes longer than the budget). */
  scaleNotes?: string[];
  /** The repository's own benchmarks that reach the target, one row per task (repo-benchmarks.ts). */
  repository?: RepoBenchComparison[];
  /** Why repository benchmarks were left out or not compared. */
  repositoryNotes?: string[];
  /** What the verdict policy (stats/verdict-policy.ts) decided, and the comparison it rests on. */
  decision?: BenchmarkDecision;
}

/** One task of a repository's own benchmark, timed on both versions over interleaved whole runs. */
export interface RepoBenchComparison extends TimedComparison {
  /** Workspace-relative benchmark file. */
  file: string;
  /** The task's name as the tool reports it (`describe › bench`). */
  task: string;
  kind: 'vitest-bench' | 'benchmark.js' | 'tinybench' | 'mitata' | 'pytest-benchmark';
}

export interface ScaleBenchmark extends TimedComparison {
  /** How much the recorded inputs were grown; for model-generated inputs, the n the generator was asked for. */
  factor: number;
  /** `model`: inputs from the model's input generator (workload.ts); absent: grown from the recorded calls. */
  source?: 'model';
  /** Input size at this scale (the largest grown collection). */
  n: number;
  perCall?: PerCallMemory;
}

export interface BenchmarkDecision {
  outcome: PolicyOutcome;
  /**
   * What the decision measured: wall time (absent), a per-call memory metric (`--instruction memory|integral`), or
   * instruction counts (`--measure instructions`, on the tests' own inputs).
   */
  metric?: MemoryMetric | 'instructions';
  /** 1 = the tests' own inputs; otherwise the (largest) scale the decision rests on. */
  factor: number;
  n?: number;
  source?: 'model';
  /** Set when the decision rests on a repository benchmark: `file › task`. */
  benchmark?: string;
  estimate: SpeedupEstimate;
  reason: string;
}

export interface MemoryComparison {
  /** Peak memory above the process's starting point, in bytes. */
  originalPeakBytes: number;
  candidatePeakBytes: number;
  /** ∫ memory dt over the replay, MiB·ms (trapezoid rule, real Δt). */
  originalIntegralMibMs: number;
  candidateIntegralMibMs: number;
  /** cgroup counters or /proc sampling. */
  source: string;
}

export type RejectionStage =
  | 'tests'
  | 'differential'
  | 'tripwire'
  | 'benchmark'
  | 'not-faster'
  | 'regression'
  | 'asymptotically-worse';

/** Stages a candidate reaches only after the tests, the differential check and the tripwire passed it. */
export const stagesAfterCorrectness: readonly RejectionStage[] = [
  'benchmark',
  'not-faster',
  'regression',
  'asymptotically-worse',
];

/** Side effects the verify run's tripwire watches for while a candidate runs. */
export type SideEffect = 'process' | 'network' | 'file-write';

export type Evaluation =
  | {
      status: 'verified';
      tests: TestRun;
      benchmark: Benchmark;
      differentialCalls: number;
      edits: CandidateEdits;
    }
  | {
      status: 'rejected';
      stage: RejectionStage;
      reason: string;
      tests?: TestRun;
      benchmark?: Benchmark;
      /** The first recorded call the candidate answered differently (stage `differential`). */
      difference?: RecordedDifference;
    };

/** A recorded call on which the candidate and the original differ; values as the verify runner printed them. */
export interface RecordedDifference {
  /** 0-based index of the recorded call. */
  call: number;
  /** What differed: the return value, the thrown error, an argument's mutation… */
  what: string;
  input: string;
  expected: string;
  actual: string;
}

/** Checks and measures candidate rewrites of one target. */
export interface Evaluator {
  evaluate(candidate: Candidate): Promise<Evaluation>;
}

/** What a verdict on a target rests on, as hashes: the selected tests' text and the calls recorded from them. */
export interface TestEvidence {
  tests: string;
  calls: string;
}

export type Preparation =
  | {
      ok: true;
      tests: TestRun;
      capturedCalls: number;
      skippedCalls: number;
      /** Undefined when the recorded calls could not be hashed: then no cached verdict may be used. */
      evidence?: TestEvidence;
    }
  | { ok: false; reason: string };

/** A source file rewritten for the harness, or why it could not be. */
export type Instrumented = { ok: true; text: string } | { ok: false; reason: string };

import { defaults } from '../config/defaults.js';
import type { Target } from '../detect/types.js';
import type { ExecResult, Workspace } from '../sandbox/types.js';
import type { SideEffect } from './types.js';

export interface ReplayHarnessOptions {
  workspace: Workspace;
  target: Target;
  /** Host directory holding the head tree (read for manifests and the test files' imports). */
  sourceDir: string;
  /** Head-side text of the target's file. */
  fileText: string;
  /** The repository's test command (JavaScript: package.json scripts.test; Python: only when configured). */
  testCommand?: string;
  minSpeedup: number;
  /** A target needs at least this many calls captured from its tests. */
  minCapturedCalls?: number;
  rounds?: number;
  warmupRounds?: number;
  /** A timed batch of replayed calls lasts at least this long (the calls are repeated until it does). */
  minRoundMs?: number;
  /** Batches of each side per round; the round keeps each side's fastest (see the verify runners). */
  samplesPerRound?: number;
  /**
   * After `rounds`, more rounds (up to maxRounds, within measureBudgetMs of measuring) while the interval of the
   * per-round ratios is wider than ±targetHalfWidth (0.02 = 2%).
   */
  maxRounds?: number;
  targetHalfWidth?: number;
  measureBudgetMs?: number;
  seed?: number;
  testTimeoutMs?: number;
  /**
   * Time for the original's runs over every test that may reach the target (once per target, before the tests
   * that call it are known; default 3 × testTimeoutMs). Candidates' runs, usually of fewer tests, get testTimeoutMs.
   */
  prepareTimeoutMs?: number;
  benchTimeoutMs?: number;
  /**
   * Side effects a candidate may have while the verify run replays and times it: those its original shows
   * (optimize/capabilities.ts). Anything else trips the tripwire and rejects the candidate. Default: none.
   */
  allowedSideEffects?: SideEffect[];
  /** How much the recorded inputs are grown for timing at scale (scaled-calls.mjs); [] measures the tests' own only. */
  scaleFactors?: readonly number[];
  /** A grown call the original takes longer than this on is dropped, and larger ones are not tried. */
  scaleBudgetMs?: number;
  /** Recorded calls grown (those with the largest inputs). */
  maxScaledCalls?: number;
  /**
   * Time for running the repository's own benchmarks that reach the target on both versions, per candidate
   * (repo-benchmarks.ts); 0 leaves them out.
   */
  repoBenchBudgetMs?: number;
  /**
   * What a candidate must improve (the paper's instructions): time, or per-call peak memory (`memory`) or memory ×
   * time (`integral`); see stats/verdict-policy.ts.
   */
  instruction?: 'time' | 'memory' | 'integral';
  /**
   * `instructions`: the tests' own calls are compared by the instructions each side executes, counted under
   * valgrind's callgrind (instruction-counts.ts); wall time where valgrind is missing.
   */
  measure?: 'time' | 'instructions';
  /** Rounds of the per-call memory measurement (memory-protocol.mjs, afterburner_memory.py); 0 leaves it out. */
  memoryRounds?: number;
  /** Calls (spread over the list) whose memory each round measures: each costs a collection in Node. */
  memoryCalls?: number;
}

/** How the tests relevant to the target run, whatever the language. */
export interface TestPlan {
  runner: string;
  files: string[];
  command: string;
  resultsFile?: string;
  /** Workspace-relative directory the command runs in (a monorepo's package); the root when absent. */
  cwd?: string;
}

/** Runs a plan's test command; `results`: what the runner wrote to its results file, when it has one. */
export async function runPlan(
  workspace: Workspace,
  plan: TestPlan,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ run: ExecResult; results?: string }> {
  if (plan.resultsFile) await workspace.exec(['rm', '-f', plan.resultsFile], { timeoutMs: 10_000, env });
  const run = await workspace.exec(['sh', '-c', plan.command], { timeoutMs, env, cwd: plan.cwd });
  if (!plan.resultsFile) return { run };
  const results = await workspace.exec(['cat', plan.resultsFile], { timeoutMs: 10_000, env });
  return { run, results: results.outcome === 'ok' ? results.stdout : undefined };
}

/** What an option left undefined means. */
export const replayDefaults = {
  minCapturedCalls: 1,
  rounds: 30,
  warmupRounds: 3,
  minRoundMs: 1,
  samplesPerRound: 5,
  maxRounds: 90,
  targetHalfWidth: 0.02,
  measureBudgetMs: 2_000,
  seed: 1,
  testTimeoutMs: 180_000,
  benchTimeoutMs: 180_000,
  allowedSideEffects: [] as SideEffect[],
  scaleFactors: [] as readonly number[],
  scaleBudgetMs: 50,
  maxScaledCalls: 4,
  repoBenchBudgetMs: defaults.repoBenchSeconds * 1000,
  instruction: 'time' as 'time' | 'memory' | 'integral',
  measure: 'time' as 'time' | 'instructions',
  memoryRounds: 10,
  memoryCalls: 20,
};

export type ResolvedReplayOptions = Required<Omit<ReplayHarnessOptions, 'testCommand'>> & {
  testCommand?: string;
};

/** The options with every default filled in (an option passed as undefined keeps its default). */
export function resolveReplayOptions(options: ReplayHarnessOptions): ResolvedReplayOptions {
  return {
    ...replayDefaults,
    prepareTimeoutMs: 3 * (options.testTimeoutMs ?? replayDefaults.testTimeoutMs),
    ...(Object.fromEntries(
      Object.entries(options).filter(([, value]) => value !== undefined),
    ) as ReplayHarnessOptions),
  };
}

/** The verify runner's measuring protocol and scaling, as its spec names them (the same for every run of a target). */
export function timingSpec(options: ResolvedReplayOptions): Record<string, unknown> {
  return {
    maxCalls: 200,
    warmupRounds: options.warmupRounds,
    minRoundNs: options.minRoundMs * 1e6,
    samplesPerRound: options.samplesPerRound,
    maxRounds: options.maxRounds,
    targetHalfWidth: options.targetHalfWidth,
    budgetNs: options.measureBudgetMs * 1e6,
    seed: options.seed,
    memoryRounds: options.memoryRounds,
    memoryCalls: options.memoryCalls,
    scale:
      options.scaleFactors.length > 0
        ? {
            factors: [...options.scaleFactors].sort((a, b) => a - b),
            budgetNs: options.scaleBudgetMs * 1e6,
            maxCalls: options.maxScaledCalls,
            longEnoughNs: defaults.scaleLongEnoughUs * 1e3,
          }
        : undefined,
  };
}

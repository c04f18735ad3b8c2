import type { Workspace } from '../sandbox/types.js';
import { compareSamples, median, type RepositoryComparison } from '../stats/index.js';
import { outputTail } from './runner-output.js';
import type { RepoBenchComparison } from './types.js';

/** The benchmark tools whose results afterburner reads. */
export type RepoBenchKind = RepoBenchComparison['kind'];

/** One of the repository's own benchmark files that reaches the target, and how to run it in the sandbox. */
export interface RepoBenchSuite {
  /** Workspace-relative path, as the report names it. */
  file: string;
  kind: RepoBenchKind;
  command: string[];
  /** Workspace-relative directory the command runs in. */
  cwd?: string;
  /** Workspace-relative file the run writes its results to (the tool's JSON, or bench-hooks.cjs's). */
  resultsFile: string;
  env?: Record<string, string>;
}

export interface RepoBenchOptions {
  workspace: Workspace;
  env: () => Record<string, string>;
  suites: readonly RepoBenchSuite[];
  minSpeedup: number;
  seed: number;
  /** One run of one file may take this long. */
  runTimeoutMs: number;
  /** All runs of one candidate (both versions, every round) should fit in this. */
  budgetMs: number;
}

export interface RepoBenchOutcome {
  /** One row per task, for the report. */
  rows: RepoBenchComparison[];
  /** The same comparisons as the verdict policy reads them. */
  policy: RepositoryComparison[];
  notes: string[];
}

// A paired signed-rank test on 6 rounds that all agree reaches p = 0.031; fewer could never be significant.
const minPairs = 6;
const maxPairs = 10;
const maxSuites = 3;

/** The name a benchmark must mention to be about the target: `Cache.get` → `get`, `Range.constructor` → `Range`. */
export function mentionedName(qualified: string): string {
  const parts = qualified.split('.');
  const last = parts.at(-1) as string;
  return last === 'constructor' || last === 'default' ? (parts.at(-2) ?? last) : last;
}

/** Whether `text` names `name` as a whole identifier. */
export function mentions(text: string, name: string): boolean {
  return new RegExp(`(^|[^\\w$])${name.replace(/[$]/g, '\\$')}($|[^\\w$])`).test(text);
}

/** Nanoseconds per operation of each task in one run's results, by task name. */
export function parseRepoBenchResults(kind: RepoBenchKind, text: string): Map<string, number> {
  const tasks = new Map<string, number>();
  const data = JSON.parse(text) as Record<string, unknown>;
  const add = (name: unknown, ns: unknown) => {
    if (typeof name === 'string' && typeof ns === 'number' && Number.isFinite(ns) && ns > 0) {
      // Two tasks of one name (a describe per input size with the same bench names) stay apart.
      let key = name;
      for (let i = 2; tasks.has(key); i++) key = `${name} (${i})`;
      tasks.set(key, ns);
    }
  };
  if (kind === 'vitest-bench') {
    // { files: [{ groups: [{ fullName: "file > describe", benchmarks: [{ name, mean (ms) }] }] }] }
    for (const file of (data.files as { groups?: unknown[] }[] | undefined) ?? []) {
      for (const group of (file.groups ?? []) as { fullName?: string; benchmarks?: unknown[] }[]) {
        const prefix = group.fullName?.split(' > ').slice(1).join(' › ');
        for (const b of (group.benchmarks ?? []) as { name?: string; mean?: number }[]) {
          const name = prefix ? `${prefix} › ${b.name}` : b.name;
          add(name, typeof b.mean === 'number' ? b.mean * 1e6 : undefined);
        }
      }
    }
  } else if (kind === 'pytest-benchmark') {
    // { benchmarks: [{ name, stats: { median (s) } }] }
    for (const b of (data.benchmarks as { name?: string; stats?: { median?: number } }[] | undefined) ?? []) {
      add(b.name, typeof b.stats?.median === 'number' ? b.stats.median * 1e9 : undefined);
    }
  } else {
    for (const t of (data.tasks as { name?: string; ns?: number }[] | undefined) ?? []) add(t.name, t.ns);
  }
  return tasks;
}

/**
 * The repository's own benchmarks that reach a target (vitest bench files, benchmark.js, tinybench and mitata
 * scripts, pytest-benchmark tests), run on both versions: whole runs, original and candidate interleaved in alternating order (ABBA), each
 * run giving one time per operation per task; the per-round ratios then go through the same paired comparison as
 * the replayed calls. The tools' own sampling is kept short: repeating whole processes is what captures the
 * between-process noise that one long run hides.
 */
export class RepositoryBenchmarks {
  /** The suites that ran on the original and reported at least one task, with how long one run took. */
  private kept: { suite: RepoBenchSuite; ms: number }[] = [];
  /** Why a suite was left out, or why the comparison did not run; for the report. */
  readonly notes: string[] = [];

  constructor(private readonly options: RepoBenchOptions) {}

  get suites(): readonly RepoBenchSuite[] {
    return this.kept.map((k) => k.suite);
  }

  /** Runs each suite once on the original: those that fail or report nothing are left out, with a note. */
  async prepare(): Promise<void> {
    const suites = this.options.suites.slice(0, maxSuites);
    if (this.options.suites.length > maxSuites) {
      this.notes.push(
        `${this.options.suites.length - maxSuites} more benchmark files reach it; the first ${maxSuites} run`,
      );
    }
    for (const suite of suites) {
      const run = await this.runOnce(suite);
      if ('error' in run) this.notes.push(`\`${suite.file}\` left out: ${run.error}`);
      else this.kept.push({ suite, ms: run.ms });
    }
  }

  /**
   * Times both versions on every kept suite. `use` puts a version's file in place (and must restore nothing:
   * the caller puts the original back afterwards).
   */
  async compare(use: (side: 'original' | 'candidate') => Promise<void>): Promise<RepoBenchOutcome> {
    const notes: string[] = [];
    if (this.kept.length === 0) return { rows: [], policy: [], notes };
    const perRound = 2 * this.kept.reduce((sum, k) => sum + k.ms, 0);
    const pairs = Math.min(maxPairs, Math.floor(this.options.budgetMs / Math.max(1, perRound)));
    if (pairs < minPairs) {
      const each = (perRound / 2 / 1000).toFixed(1);
      notes.push(
        `not compared: one run of the repository's benchmarks takes ${each} s, and the ${2 * minPairs} runs a ` +
          `comparison needs do not fit the ${Math.round(this.options.budgetMs / 1000)} s budget`,
      );
      return { rows: [], policy: [], notes };
    }
    const samples = new Map<
      string,
      { suite: RepoBenchSuite; task: string; original: number[]; candidate: number[] }
    >();
    const failed = new Set<string>();
    for (let round = 0; round < pairs; round++) {
      const order: ('original' | 'candidate')[] =
        round % 2 === 0 ? ['original', 'candidate'] : ['candidate', 'original'];
      const results: Record<string, Map<string, number>[]> = { original: [], candidate: [] };
      for (const side of order) {
        await use(side);
        for (const { suite } of this.kept) {
          if (failed.has(suite.file)) continue;
          const run = await this.runOnce(suite);
          if ('error' in run) {
            failed.add(suite.file);
            notes.push(`\`${suite.file}\` failed on the ${side}: ${run.error}`);
            continue;
          }
          for (const [task, ns] of run.tasks) {
            const key = `${suite.file}\0${task}`;
            const entry = samples.get(key) ?? { suite, task, original: [], candidate: [] };
            // Rounds where a side is missing a task are dropped when pairing below.
            entry[side][round] = ns;
            samples.set(key, entry);
          }
        }
      }
    }
    const rows: RepoBenchComparison[] = [];
    const policy: RepositoryComparison[] = [];
    for (const { suite, task, original, candidate } of samples.values()) {
      if (failed.has(suite.file)) continue;
      const rounds = [...original.keys()].filter(
        (i) => original[i] !== undefined && candidate[i] !== undefined,
      );
      if (rounds.length < minPairs) continue;
      const o = rounds.map((i) => original[i] as number);
      const c = rounds.map((i) => candidate[i] as number);
      const comparison = compareSamples(o, c, {
        minSpeedup: this.options.minSpeedup,
        seed: this.options.seed,
        paired: true,
      });
      policy.push({ name: `${suite.file} › ${task}`, comparison });
      rows.push({
        file: suite.file,
        task,
        kind: suite.kind,
        calls: 1,
        repeats: 1,
        rounds: rounds.length,
        originalMedianNs: median(o),
        candidateMedianNs: median(c),
        estimate: comparison.estimate,
        verdict: comparison.verdict,
        uTestP: comparison.uTest.pValue,
        threshold: comparison.threshold,
      });
    }
    return { rows, policy, notes };
  }

  /**
   * `compare` with the target's file as each side: `candidateText` or `originalText` written at `path`, the
   * original put back afterwards whatever happens. The notes include those of `prepare`.
   */
  async compareFiles(path: string, originalText: string, candidateText: string): Promise<RepoBenchOutcome> {
    const { workspace } = this.options;
    try {
      const outcome = await this.compare((side) =>
        workspace.writeFile(path, side === 'candidate' ? candidateText : originalText),
      );
      return { ...outcome, notes: [...this.notes, ...outcome.notes] };
    } finally {
      await workspace.writeFile(path, originalText);
    }
  }

  private async runOnce(
    suite: RepoBenchSuite,
  ): Promise<{ tasks: Map<string, number>; ms: number } | { error: string }> {
    const { workspace } = this.options;
    const env = { ...this.options.env(), ...suite.env };
    await workspace.exec(['rm', '-f', suite.resultsFile], { timeoutMs: 10_000, env });
    const run = await workspace.exec(suite.command, {
      timeoutMs: this.options.runTimeoutMs,
      env,
      cwd: suite.cwd,
    });
    if (run.outcome !== 'ok') {
      return {
        error: `${run.outcome === 'failed' ? `exit ${run.exitCode}` : run.outcome}: ${outputTail(run, 3)}`,
      };
    }
    const results = await workspace.exec(['cat', suite.resultsFile], { timeoutMs: 10_000, env });
    if (results.outcome !== 'ok') return { error: 'it wrote no results' };
    try {
      const tasks = parseRepoBenchResults(suite.kind, results.stdout);
      if (tasks.size === 0) return { error: 'it reported no benchmark' };
      return { tasks, ms: run.durationMs };
    } catch (error) {
      return { error: `its results are not readable: ${(error as Error).message}` };
    }
  }
}

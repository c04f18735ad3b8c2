import { readFile } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { defaults } from '../config/defaults.js';
import type { Target } from '../detect/types.js';
import type { ExecResult, Workspace } from '../sandbox/types.js';
import { calibrateNoiseFloor, type NoiseCalibration } from '../stats/index.js';
import { applyLineEdits, type Candidate, editsOf, planCandidateEdits } from './apply-candidate.js';
import { type RepoBenchOutcome, type RepoBenchSuite, RepositoryBenchmarks } from './repo-benchmarks.js';
import { outputTail, runnerResult } from './runner-output.js';
import {
  noiseFloors,
  type RunnerMeasurement,
  type RunnerScale,
  scaledBenchmark,
} from './scaled-benchmark.js';
import { hashRecordedCalls, hashSelectedTests, type RecordingFormat } from './test-evidence.js';
import {
  describeFailures,
  endedHow,
  judgeRun,
  openGate,
  preexistingNames,
  type TestGate,
} from './test-gate.js';
import type {
  Benchmark,
  Evaluation,
  Evaluator,
  Instrumented,
  MemoryComparison,
  Preparation,
  SideEffect,
  TestEvidence,
  TestRun,
} from './types.js';
import { parseWorkloadOutput, type WorkloadOutcome, type WorkloadRunner, workloadSizes } from './workload.js';

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

export const harnessDir = '.afterburner-harness';
export const captureDir = `${harnessDir}/capture`;
/** What the verify runners (node/verify-runner.mjs, python/verify_runner.py) print as their last line. */
export type RunnerResult =
  | ({ status: 'measured' } & RunnerMeasurement)
  | { status: 'deterministic'; calls: number; unreplayable?: number }
  | {
      status: 'mismatch';
      call: number;
      what: string;
      input: string;
      expected: string;
      actual: string;
      /** Set when the difference showed on an input grown ×scale from the recorded call (size n). */
      scale?: number;
      size?: number;
      /** `model`: the difference showed on an input the model's generator made (size = its n). */
      source?: 'model';
    }
  | { status: 'non-deterministic'; call: number; what: string; first: string; second: string }
  | { status: 'no-calls'; unreplayable?: number }
  | { status: 'memory'; calls: number; repeats: number }
  | { status: 'tripwire'; message: string }
  | { status: 'error'; message: string };

/** The A/A calibration with the raw samples it came from (per-call ns of each arm, one per measured round). */
export interface Calibration extends NoiseCalibration {
  repeats: number;
  calls: number;
  originalNs: number[];
  candidateNs: number[];
  /** The A/A run at each scale, and the noise floor per scale (scaleKey; "1" = the tests' own inputs). */
  scales: RunnerScale[];
  scaleNotes: string[];
  floors: Map<string, number>;
}

interface SkippedCalls {
  count: number;
  reasons: Map<string, number>;
}

/** The capture files' names; the recorders inside the sandbox sanitize the id the same way. */
export function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]+/g, '_');
}

function parseRunnerOutput(run: ExecResult): RunnerResult {
  const result = runnerResult(run) as RunnerResult | undefined;
  return (
    result ?? { status: 'error', message: `verify runner ${run.outcome} with no result:\n${outputTail(run)}` }
  );
}

function describeRunner(result: RunnerResult): string {
  return 'message' in result ? result.message : result.status;
}

/**
 * Verifies candidates the way a sceptical reviewer would, in any language with a verify runner: the tests that
 * reach the target must pass, and on every call those tests made to the original (captured by instrumenting it
 * where it is defined), the candidate must return the same value, throw the same error and leave its arguments
 * and receiver in the same state; then both are timed side by side on those calls, against the noise floor of
 * an A/A run, and each side's memory is measured alone. Subclasses supply the language's parts.
 */
export abstract class ReplayHarness<Plan extends TestPlan> implements Evaluator {
  protected readonly options: Required<Omit<ReplayHarnessOptions, 'testCommand'>> & { testCommand?: string };
  protected plan: Plan | undefined;
  /** Ratio identical code showed in the A/A run, per scale factor; a candidate's interval must clear it. */
  private floors = new Map<string, number>([['1', 1]]);
  /** What the A/A run measured (bench/noise.ts prints it); undefined before a successful prepare(). */
  calibration: Calibration | undefined;
  /** Names of the classes the recorded arguments are instances of, which the replay copies expose. */
  protected scopeNames: string[] = [];
  private lastSpec: Record<string, unknown> = {};
  /** Inputs the model's generator wrote (addWorkload), checked and timed beside the recorded ones. */
  private workload: { file: string; budgetNs: number } | undefined;
  /** Which tests a candidate's run is judged by: those that pass on the original (see test-gate.ts). */
  private gate: TestGate = { kind: 'whole-run' };
  /** The repository's own benchmarks that reach the target and run on the original. */
  private repoBenchmarks: RepositoryBenchmarks | undefined;

  constructor(options: ReplayHarnessOptions) {
    this.options = {
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
      prepareTimeoutMs: 3 * (options.testTimeoutMs ?? 180_000),
      benchTimeoutMs: 180_000,
      allowedSideEffects: [],
      scaleFactors: [],
      scaleBudgetMs: 50,
      maxScaledCalls: 4,
      repoBenchBudgetMs: 240_000,
      // An option passed as undefined keeps its default.
      ...(Object.fromEntries(
        Object.entries(options).filter(([, value]) => value !== undefined),
      ) as ReplayHarnessOptions),
    };
  }

  /** Where the runtime scripts are on the host, and which of them the sandbox needs. */
  protected abstract readonly runtime: { dir: string; files: string[] };
  /** How the recorder frames the calls it writes, which decides how they are hashed (test-evidence.ts). */
  protected readonly recordingFormat: RecordingFormat = 'bytes';
  /** Finds the tests that reach the target; returns why the target cannot be verified (e.g. none reach it). */
  protected abstract planTests(): Promise<{ plan: Plan } | { reason: string }>;
  protected abstract summarizeTests(run: ExecResult, resultsText: string | undefined): TestRun;
  /** Environment of every command in the sandbox (which starts from a scrubbed one). */
  protected abstract env(extra?: Record<string, string>): Record<string, string>;
  /** The file with the target wrapped so that the tests' calls to it are recorded. */
  protected abstract recordingCopy(fileText: string): Promise<Instrumented>;
  /** The file as the verify runner loads it beside the other side (`startLine`: where the target starts in it). */
  protected abstract replayCopy(
    fileText: string,
    role: 'original' | 'candidate',
    startLine: number,
  ): Promise<Instrumented>;
  protected abstract verifierCommand(args: string[]): string[];
  /**
   * How this language runs the model's input generator (workload.ts): the file its answer is written to (with
   * whatever the language appends to find the function), and the command that writes the inputs as plain data.
   */
  protected abstract readonly workloadRunner: WorkloadRunner;
  /** Language-specific fields of the verify runner's spec. */
  protected abstract specExtras(): Record<string, unknown>;
  /**
   * After the recording run: a smaller plan with only the tests that were seen calling the target (plus any the
   * language must keep), or undefined to keep the plan.
   */
  protected async narrowPlan(): Promise<Plan | undefined> {
    return undefined;
  }
  /** The repository's own benchmark files that reach the target, and how to run each (none by default). */
  protected async planRepositoryBenchmarks(): Promise<RepoBenchSuite[]> {
    return [];
  }
  /** Explains a failing baseline better than its test output can, when the language knows why. */
  protected explainBaselineFailure(_tests: TestRun): string | undefined {
    return undefined;
  }

  protected get target(): Target {
    return this.options.target;
  }

  private copyPath(role: 'original' | 'candidate'): string {
    return posix.join(posix.dirname(this.target.path), `.afterburner-${role}-${basename(this.target.path)}`);
  }

  /** Runs the original's tests, captures the calls they make to it, checks it is deterministic, calibrates. */
  async prepare(): Promise<Preparation> {
    const { workspace, fileText, target } = this.options;
    const planned = await this.planTests();
    if ('reason' in planned) return { ok: false, reason: planned.reason };
    this.plan = planned.plan;
    for (const file of this.runtime.files) {
      await workspace.writeFile(
        `${harnessDir}/${file}`,
        await readFile(join(this.runtime.dir, file), 'utf8'),
      );
    }
    await workspace.writeFile(`${captureDir}/.keep`, '');

    const long = this.options.prepareTimeoutMs;
    let tests = await this.runTests({}, long);
    const opened = openGate(tests);
    if ('reason' in opened) return { ok: false, reason: this.explainBaselineFailure(tests) ?? opened.reason };
    this.gate = opened.gate;

    const recording = await this.recordingCopy(fileText);
    if (!recording.ok) return { ok: false, reason: `cannot capture its calls: ${recording.reason}` };
    await workspace.writeFile(target.path, recording.text);
    const captureRun = await this.runTests(
      { AFTERBURNER_CAPTURE_DIR: posix.join(workspace.root, captureDir) },
      long,
    );
    await workspace.writeFile(target.path, fileText);
    this.scopeNames = await this.recordedClassNames();
    const recorded = judgeRun(this.gate, captureRun);
    if (!recorded.passed) {
      return {
        ok: false,
        reason:
          captureRun.outcome === 'failed' || captureRun.outcome === 'ok'
            ? `the tests fail when its calls are recorded: ${describeFailures(captureRun, recorded.newFailures)}`
            : `the tests ${endedHow(captureRun)} when its calls are recorded: ${captureRun.outputTail}`,
      };
    }

    const narrowed = await this.narrowPlan();
    if (narrowed) {
      // A subset can behave differently from the whole (tests that depend on others' side effects), so the
      // original runs again on exactly the subset the candidates will run; if that does not hold, keep the whole.
      const broad = { plan: this.plan, gate: this.gate, tests };
      this.plan = narrowed;
      const subset = await this.runTests();
      const reopened = openGate(subset);
      if ('gate' in reopened) {
        this.gate = reopened.gate;
        tests = subset;
      } else {
        ({ plan: this.plan, gate: this.gate, tests } = broad);
      }
    }

    const original = await this.replayCopy(fileText, 'original', target.startLine);
    if (!original.ok) return { ok: false, reason: `cannot load it beside a candidate: ${original.reason}` };
    await workspace.writeFile(this.copyPath('original'), original.text);
    const check = await this.runVerifier(undefined, 0);
    const unkept = await this.skippedCalls();
    if ('unreplayable' in check && check.unreplayable) {
      const reason =
        'a callback the replay cannot answer (called after the call returned, or not by the function)';
      unkept.reasons.set(reason, check.unreplayable);
      unkept.count += check.unreplayable;
    }
    const skipped = unkept.count;
    if (check.status === 'no-calls') {
      if (unkept.count === 0) {
        return { ok: false, reason: `not covered by tests: the tests never called \`${target.name}\`` };
      }
      const why = [...unkept.reasons]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([reason, n]) => `${n}× ${reason}`)
        .join(', ');
      return {
        ok: false,
        reason: `cannot be replayed: the tests called \`${target.name}\` ${unkept.count} times, but with arguments afterburner cannot record (${why})`,
      };
    }
    if (check.status === 'non-deterministic') {
      return {
        ok: false,
        reason:
          `non-deterministic: two runs of the original on captured call ${check.call} differ in ${check.what} ` +
          `(${check.first} vs ${check.second})`,
      };
    }
    if (check.status !== 'deterministic') {
      return { ok: false, reason: `replaying its calls failed: ${describeRunner(check)}` };
    }
    if (check.calls < this.options.minCapturedCalls) {
      const needed = this.options.minCapturedCalls;
      return { ok: false, reason: `not covered by tests: ${check.calls} calls captured, ${needed} needed` };
    }
    const calibration = await this.calibrate();
    if (calibration) return { ok: false, reason: calibration };
    await this.prepareRepositoryBenchmarks();
    return {
      ok: true,
      tests: this.withPreexisting(tests),
      capturedCalls: check.calls,
      skippedCalls: skipped,
      evidence: await this.evidence(),
    };
  }

  async evaluate(candidate: Candidate): Promise<Evaluation> {
    const { workspace, target, fileText, minSpeedup } = this.options;
    if (!this.plan) throw new Error('evaluate() needs a successful prepare() first');
    const edits = await planCandidateEdits(fileText, target, candidate);
    const candidateFile = applyLineEdits(fileText, editsOf(edits));
    await workspace.writeFile(target.path, candidateFile);
    const tests = this.withPreexisting(await this.runTests());
    await workspace.writeFile(target.path, fileText);
    const verdict = judgeRun(this.gate, tests);
    if (!verdict.passed) {
      return {
        status: 'rejected',
        stage: 'tests',
        reason: `tests ${verdict.why === tests.outcome ? endedHow(tests) : verdict.why}:\n${describeFailures(tests, verdict.newFailures)}`,
        tests,
      };
    }
    // Lines the new imports push the function down by, whether they sit above it or open its own edit.
    const lineCount = (text: string) => text.split('\n').length;
    const shift =
      (edits.imports ? lineCount(edits.imports.replacement) - 1 : 0) +
      lineCount(edits.function.replacement) -
      lineCount(candidate.source);
    const copy = await this.replayCopy(candidateFile, 'candidate', target.startLine + shift);
    if (!copy.ok) {
      return {
        status: 'rejected',
        stage: 'benchmark',
        reason: `cannot load the candidate: ${copy.reason}`,
        tests,
      };
    }
    await workspace.writeFile(this.copyPath('candidate'), copy.text);

    const result = await this.runVerifier(this.copyPath('candidate'), this.options.rounds, {
      allow: this.options.allowedSideEffects,
    });
    if (result.status === 'tripwire') {
      return { status: 'rejected', stage: 'tripwire', reason: result.message, tests };
    }
    if (result.status === 'mismatch') {
      const on =
        result.source === 'model'
          ? `model-generated input ${result.call} at n = ${result.size}`
          : result.scale !== undefined
            ? `captured call ${result.call} scaled ×${result.scale} (n = ${result.size})`
            : `captured call ${result.call}`;
      const reason =
        `differs from the original in its ${result.what} on ${on}: input ${result.input}; ` +
        `expected ${result.expected}, got ${result.actual}`;
      const { call, what, input, expected, actual } = result;
      const difference = { call, what, input, expected, actual };
      return { status: 'rejected', stage: 'differential', reason, tests, difference };
    }
    if (result.status !== 'measured') {
      return { status: 'rejected', stage: 'benchmark', reason: describeRunner(result), tests };
    }
    const measured = { minSpeedup, seed: this.options.seed, floors: this.floors };
    let benchmark = scaledBenchmark(result, measured);
    const outcome = benchmark.decision?.outcome;
    if (this.repoBenchmarks && (outcome === 'suggest' || outcome === 'not-faster')) {
      const repository = await this.compareOnRepositoryBenchmarks(this.repoBenchmarks, candidateFile);
      benchmark = scaledBenchmark(result, { ...measured, repository });
    }
    const decision = benchmark.decision;
    if (decision && decision.outcome !== 'suggest') {
      const reason = `correct, but ${decision.reason}`;
      return { status: 'rejected', stage: decision.outcome, reason, tests, benchmark };
    }
    const memory = await this.measureMemory(benchmark.originalMedianNs);
    if (memory && 'tripped' in memory) {
      return { status: 'rejected', stage: 'tripwire', reason: memory.tripped, tests, benchmark };
    }
    benchmark.memory = memory;
    return { status: 'verified', tests, benchmark, differentialCalls: result.calls, edits };
  }

  /**
   * Adds the inputs the model's generator makes (`source` defines it; see workload.ts) to what every candidate is
   * checked and timed on. The generator runs in a process of its own and hands over plain data only; the original
   * must handle its inputs (no error, deterministic, within the budget). Then the A/A run is repeated so that each
   * generated size has its own noise floor. Returns the sizes kept and why others were not.
   */
  async addWorkload(source: string): Promise<WorkloadOutcome> {
    if (!this.plan) throw new Error('addWorkload() needs a successful prepare() first');
    const { workspace } = this.options;
    const runner = this.workloadRunner;
    const file = `${harnessDir}/workload.calls`;
    await workspace.writeFile(`${harnessDir}/${runner.file}`, runner.wrap(source));
    const spec = {
      generator: `${harnessDir}/${runner.file}`,
      out: file,
      sizes: workloadSizes,
      // Building the inputs may take 20 passes' worth of time; each pass over them must then fit one.
      budgetNs: this.options.scaleBudgetMs * 1e6 * 20,
      maxBytes: 64 * 2 ** 20,
    };
    await workspace.writeFile(`${harnessDir}/workload-spec.json`, JSON.stringify(spec));
    const run = await workspace.exec(runner.command(`${harnessDir}/workload-spec.json`), {
      timeoutMs: this.options.benchTimeoutMs,
      env: this.env(),
    });
    const generated = parseWorkloadOutput(run);
    if (generated.status !== 'generated') return { kept: [], notes: [generated.message] };
    if (generated.sizes.length === 0) return { kept: [], notes: generated.notes };
    const before = { floors: this.floors, calibration: this.calibration };
    this.workload = { file, budgetNs: this.options.scaleBudgetMs * 1e6 };
    const failed = await this.calibrate();
    const kept = (this.calibration?.scales ?? []).filter((s) => s.source === 'model').map((s) => s.factor);
    if (failed || kept.length === 0) {
      this.workload = undefined;
      ({ floors: this.floors, calibration: this.calibration } = before);
      return { kept: [], notes: [...generated.notes, ...(failed ? [failed] : []), ...this.modelNotes()] };
    }
    return { kept, notes: [...generated.notes, ...this.modelNotes()] };
  }

  /** Runs the repository's own benchmarks that reach the target once on the original; keeps those that work. */
  private async prepareRepositoryBenchmarks(): Promise<void> {
    if (this.options.repoBenchBudgetMs <= 0) return;
    const suites = await this.planRepositoryBenchmarks();
    if (suites.length === 0) return;
    const benchmarks = new RepositoryBenchmarks({
      workspace: this.options.workspace,
      env: () => this.env(),
      suites,
      minSpeedup: this.options.minSpeedup,
      seed: this.options.seed,
      runTimeoutMs: Math.min(this.options.benchTimeoutMs, this.options.repoBenchBudgetMs / 4),
      budgetMs: this.options.repoBenchBudgetMs,
    });
    await benchmarks.prepare();
    this.repoBenchmarks = benchmarks;
  }

  private async compareOnRepositoryBenchmarks(
    benchmarks: RepositoryBenchmarks,
    candidateFile: string,
  ): Promise<RepoBenchOutcome> {
    const { workspace, target, fileText } = this.options;
    try {
      const outcome = await benchmarks.compare((side) =>
        workspace.writeFile(target.path, side === 'candidate' ? candidateFile : fileText),
      );
      return { ...outcome, notes: [...benchmarks.notes, ...outcome.notes] };
    } finally {
      await workspace.writeFile(target.path, fileText);
    }
  }

  private modelNotes(): string[] {
    return (this.calibration?.scaleNotes ?? []).filter((note) => note.startsWith('model'));
  }

  /**
   * A/A run: the original against a second copy of itself, interleaved like a real comparison. The ratio it
   * shows is this machine's noise (plus any position bias), which a candidate must clear.
   */
  private async calibrate(): Promise<string | undefined> {
    const copy = await this.replayCopy(this.options.fileText, 'candidate', this.target.startLine);
    if (!copy.ok) return `cannot load a second copy of the original: ${copy.reason}`;
    await this.options.workspace.writeFile(this.copyPath('candidate'), copy.text);
    const run = await this.runVerifier(this.copyPath('candidate'), this.options.rounds);
    if (run.status !== 'measured') return `the A/A calibration run failed: ${describeRunner(run)}`;
    const calibration = calibrateNoiseFloor(run.originalNs, run.candidateNs, {
      seed: this.options.seed,
      paired: true,
    });
    this.floors = noiseFloors(run, this.options.seed);
    this.calibration = {
      ...calibration,
      repeats: run.repeats,
      calls: run.calls,
      originalNs: run.originalNs,
      candidateNs: run.candidateNs,
      scales: run.scales ?? [],
      scaleNotes: run.scaleNotes ?? [],
      floors: this.floors,
    };
    return undefined;
  }

  /** Peak memory and memory-time integral of each side alone, replaying the calls the same number of times. */
  private async measureMemory(
    originalPassNs: number,
  ): Promise<MemoryComparison | { tripped: string } | undefined> {
    // Long enough for the sandbox's ~10 ms memory sampling to see the replay, whichever side runs it.
    const memoryRepeats = Math.min(10_000, Math.max(1, Math.ceil(300e6 / Math.max(1, originalPassNs))));
    const { workspace, benchTimeoutMs } = this.options;
    await workspace.writeFile(`${harnessDir}/spec.json`, JSON.stringify({ ...this.lastSpec, memoryRepeats }));
    const resources: Partial<Record<'original' | 'candidate', NonNullable<ExecResult['resources']>>> = {};
    for (const role of ['original', 'candidate'] as const) {
      const run = await workspace.exec(this.verifierCommand([`${harnessDir}/spec.json`, '--memory', role]), {
        timeoutMs: benchTimeoutMs,
        env: this.env(),
      });
      const outcome = parseRunnerOutput(run);
      if (outcome.status === 'tripwire') return { tripped: outcome.message };
      if (outcome.status !== 'memory' || !run.resources) return undefined;
      resources[role] = run.resources;
    }
    const { original, candidate } = resources;
    if (!original || !candidate) return undefined;
    return {
      originalPeakBytes: Math.max(0, original.peakMemoryBytes - original.baselineMemoryBytes),
      candidatePeakBytes: Math.max(0, candidate.peakMemoryBytes - candidate.baselineMemoryBytes),
      originalIntegralMibMs: original.memoryIntegralMibMs,
      candidateIntegralMibMs: candidate.memoryIntegralMibMs,
      source: original.source,
    };
  }

  /** Hashes of the tests the candidates will be judged by and of the calls recorded from them. */
  private async evidence(): Promise<TestEvidence | undefined> {
    const calls = await hashRecordedCalls(this.options.workspace, this.captureFile(), this.recordingFormat);
    if (!calls) return undefined;
    return { tests: await hashSelectedTests(this.options.sourceDir, this.plan as Plan), calls };
  }

  private captureFile(): string {
    return `${captureDir}/${safeId(this.target.id)}.calls`;
  }

  /** The run, marked with the tests left out of the gate because they fail on the original. */
  private withPreexisting(run: TestRun): TestRun {
    const names = preexistingNames(this.gate);
    return names.length > 0 ? { ...run, preexistingFailures: names } : run;
  }

  protected async runTests(
    extraEnv: Record<string, string> = {},
    timeoutMs = this.options.testTimeoutMs,
  ): Promise<TestRun> {
    const plan = this.plan as Plan;
    const { workspace } = this.options;
    const env = this.env(extraEnv);
    if (plan.resultsFile) await workspace.exec(['rm', '-f', plan.resultsFile], { timeoutMs: 10_000, env });
    const run = await workspace.exec(['sh', '-c', plan.command], { timeoutMs, env, cwd: plan.cwd });
    const results = plan.resultsFile
      ? await workspace.exec(['cat', plan.resultsFile], { timeoutMs: 10_000, env })
      : undefined;
    return this.summarizeTests(run, results?.outcome === 'ok' ? results.stdout : undefined);
  }

  /** Lines the recorder wrote beside the target's captured calls (`classes`, `skipped`, `tests`); none if absent. */
  protected async captureLines(suffix: string): Promise<string[]> {
    const file = `${captureDir}/${safeId(this.target.id)}.${suffix}`;
    const run = await this.options.workspace.exec(['sh', '-c', `cat '${file}' 2>/dev/null || true`], {
      timeoutMs: 10_000,
      env: this.env(),
    });
    return run.stdout.split('\n').filter((line) => line.trim() !== '');
  }

  /** Classes whose instances the recorded calls hold. */
  private async recordedClassNames(): Promise<string[]> {
    const names = (await this.captureLines('classes')).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
    return [...new Set(names)].slice(0, 50);
  }

  /** Calls the recorder could not keep, and why (one reason a line). */
  private async skippedCalls(): Promise<SkippedCalls> {
    const reasons = new Map<string, number>();
    const lines = await this.captureLines('skipped');
    for (const line of lines) reasons.set(line.trim(), (reasons.get(line.trim()) ?? 0) + 1);
    return { count: lines.length, reasons };
  }

  /** `tripwire`: set when a real candidate runs (not the original's second copy of the A/A run). */
  private async runVerifier(
    candidate: string | undefined,
    rounds: number,
    tripwire?: { allow: SideEffect[] },
  ): Promise<RunnerResult> {
    const { workspace, seed, target } = this.options;
    const spec = {
      original: this.copyPath('original'),
      candidate,
      captureFile: this.captureFile(),
      maxCalls: 200,
      rounds,
      warmupRounds: this.options.warmupRounds,
      minRoundNs: this.options.minRoundMs * 1e6,
      samplesPerRound: this.options.samplesPerRound,
      maxRounds: this.options.maxRounds,
      targetHalfWidth: this.options.targetHalfWidth,
      budgetNs: this.options.measureBudgetMs * 1e6,
      seed,
      tripwire,
      ...(this.workload ? { workload: this.workload } : {}),
      scale:
        this.options.scaleFactors.length > 0
          ? {
              factors: [...this.options.scaleFactors].sort((a, b) => a - b),
              budgetNs: this.options.scaleBudgetMs * 1e6,
              maxCalls: this.options.maxScaledCalls,
              longEnoughNs: defaults.scaleLongEnoughUs * 1e3,
            }
          : undefined,
      ...this.specExtras(),
    };
    this.lastSpec = spec;
    await workspace.writeFile(`${harnessDir}/spec.json`, JSON.stringify(spec));
    const run = await workspace.exec(this.verifierCommand([`${harnessDir}/spec.json`]), {
      timeoutMs: this.options.benchTimeoutMs,
      env: this.env(),
    });
    return parseRunnerOutput(run);
  }
}

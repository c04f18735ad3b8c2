import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { applyLineEdits, type Candidate, editsOf, lineShift, planCandidateEdits } from './apply-candidate.js';
import { captureFile, recordedClassNames, skippedCalls } from './capture-files.js';
import { captureDir, harnessDir } from './harness-layout.js';
import { memoryMetricOf } from './per-call-memory.js';
import type { TestPlan } from './replay-options.js';
import { ReplayRuns } from './replay-runs.js';
import { type RepoBenchSuite, RepositoryBenchmarks } from './repo-benchmarks.js';
import { scaledBenchmark } from './scaled-benchmark.js';
import { hashRecordedCalls, hashSelectedTests, type RecordingFormat } from './test-evidence.js';
import {
  describeFailures,
  endedHow,
  judgeRun,
  openGate,
  recordingFailure,
  type TestGate,
  withPreexisting,
} from './test-gate.js';
import type { Evaluation, Evaluator, Instrumented, Preparation, TestEvidence, TestRun } from './types.js';
import { describeMismatch, describeRunner, replayCheckFailure } from './verify-result.js';
import {
  parseWorkloadOutput,
  runWorkloadGenerator,
  type WorkloadOutcome,
  type WorkloadRunner,
} from './workload.js';

/**
 * Verifies candidates the way a sceptical reviewer would, in any language with a verify runner: the tests that
 * reach the target must pass, and on every call those tests made to the original (captured by instrumenting it
 * where it is defined), the candidate must return the same value, throw the same error and leave its arguments
 * and receiver in the same state; then both are timed side by side on those calls, against the noise floor of
 * an A/A run, and each side's memory is measured alone. Subclasses supply the language's parts.
 */
export abstract class ReplayHarness<Plan extends TestPlan> extends ReplayRuns<Plan> implements Evaluator {
  /** Names of the classes the recorded arguments are instances of, which the replay copies expose. */
  protected scopeNames: string[] = [];
  /** Which tests a candidate's run is judged by: those that pass on the original (see test-gate.ts). */
  private gate: TestGate = { kind: 'whole-run' };
  /** The repository's own benchmarks that reach the target and run on the original. */
  private repoBenchmarks: RepositoryBenchmarks | undefined;

  /** Where the runtime scripts are on the host, and which of them the sandbox needs. */
  protected abstract readonly runtime: { dir: string; files: string[] };
  /** How the recorder frames the calls it writes, which decides how they are hashed (test-evidence.ts). */
  protected readonly recordingFormat: RecordingFormat = 'bytes';
  /** Finds the tests that reach the target; returns why the target cannot be verified (e.g. none reach it). */
  protected abstract planTests(): Promise<{ plan: Plan } | { reason: string }>;
  /** The file with the target wrapped so that the tests' calls to it are recorded. */
  protected abstract recordingCopy(fileText: string): Promise<Instrumented>;
  /**
   * How this language runs the model's input generator (workload.ts): the file its answer is written to (with
   * whatever the language appends to find the function), and the command that writes the inputs as plain data.
   */
  protected abstract readonly workloadRunner: WorkloadRunner;
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
    this.scopeNames = recordedClassNames(await this.captureLines('classes'));
    const recordingFailed = recordingFailure(this.gate, captureRun);
    if (recordingFailed) return { ok: false, reason: recordingFailed };

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
    const unkept = skippedCalls(await this.captureLines('skipped'));
    const failure = replayCheckFailure(check, unkept, target.name, this.options.minCapturedCalls);
    if (failure) return { ok: false, reason: failure };
    const skipped = unkept.count;
    const calibration = await this.calibrate();
    if (calibration) return { ok: false, reason: calibration };
    await this.prepareRepositoryBenchmarks();
    return {
      ok: true,
      tests: this.withPreexisting(tests),
      capturedCalls: check.status === 'deterministic' ? check.calls : 0,
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
    const copy = await this.replayCopy(
      candidateFile,
      'candidate',
      target.startLine + lineShift(edits, candidate),
    );
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
      const { call, what, input, expected, actual } = result;
      const difference = { call, what, input, expected, actual };
      return {
        status: 'rejected',
        stage: 'differential',
        reason: describeMismatch(result),
        tests,
        difference,
      };
    }
    if (result.status !== 'measured') {
      return { status: 'rejected', stage: 'benchmark', reason: describeRunner(result), tests };
    }
    const { instruction } = this.options;
    const objective = instruction === 'time' ? undefined : memoryMetricOf(instruction);
    let instructions: { original: number[]; candidate: number[] } | undefined;
    let instructionsNote = this.countNote;
    if (this.originalCounts) {
      const counted = await this.countInstructions('candidate');
      if ('tripped' in counted)
        return { status: 'rejected', stage: 'tripwire', reason: counted.tripped, tests };
      if ('reason' in counted)
        instructionsNote = `instructions were not counted (${counted.reason}): compared by wall time`;
      else instructions = { original: this.originalCounts, candidate: counted.counts };
    }
    const measured = {
      minSpeedup,
      seed: this.options.seed,
      floors: this.floors,
      objective,
      instructions,
      instructionsNote,
    } as const;
    let benchmark = scaledBenchmark(result, measured);
    const outcome = benchmark.decision?.outcome;
    if (this.repoBenchmarks && (outcome === 'suggest' || outcome === 'not-faster')) {
      const repository = await this.repoBenchmarks.compareFiles(target.path, fileText, candidateFile);
      benchmark = scaledBenchmark(result, { ...measured, repository });
    }
    const decision = benchmark.decision;
    if (decision && decision.outcome !== 'suggest') {
      // Repository benchmarks that were found but could not be compared are part of why nothing was shown faster.
      const notes = benchmark.repositoryNotes ?? [];
      const reason = `correct, but ${decision.reason}${notes.length > 0 ? ` (repository benchmarks: ${notes.join('; ')})` : ''}`;
      return { status: 'rejected', stage: decision.outcome, reason, tests, benchmark };
    }
    const memory = await this.measureSides(benchmark.originalMedianNs);
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
    const file = `${harnessDir}/workload.calls`;
    const run = await runWorkloadGenerator({
      workspace,
      runner: this.workloadRunner,
      source,
      out: file,
      scaleBudgetMs: this.options.scaleBudgetMs,
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
    const { workspace, minSpeedup, seed, benchTimeoutMs, repoBenchBudgetMs } = this.options;
    this.repoBenchmarks = new RepositoryBenchmarks({
      workspace,
      env: () => this.env(),
      suites,
      minSpeedup,
      seed,
      runTimeoutMs: Math.min(benchTimeoutMs, repoBenchBudgetMs / 4),
      budgetMs: repoBenchBudgetMs,
    });
    await this.repoBenchmarks.prepare();
  }

  private modelNotes(): string[] {
    return (this.calibration?.scaleNotes ?? []).filter((note) => note.startsWith('model'));
  }

  /** Hashes of the tests the candidates will be judged by and of the calls recorded from them. */
  private async evidence(): Promise<TestEvidence | undefined> {
    const calls = await hashRecordedCalls(
      this.options.workspace,
      captureFile(this.target.id),
      this.recordingFormat,
    );
    if (!calls) return undefined;
    return { tests: await hashSelectedTests(this.options.sourceDir, this.plan as Plan), calls };
  }

  /** The run, marked with the tests left out of the gate because they fail on the original. */
  private withPreexisting(run: TestRun): TestRun {
    return withPreexisting(this.gate, run);
  }
}

import type { Target } from '../detect/types.js';
import type { ExecResult } from '../sandbox/types.js';
import { calibrateNoiseFloor } from '../stats/index.js';
import { captureFile, captureLines } from './capture-files.js';
import { harnessDir, replayCopyPath } from './harness-layout.js';
import {
  callgrindCommand,
  countFailure,
  countProtocol,
  instructionsFloorKey,
  passCounts,
  prepareCountCommand,
  readCountsCommand,
  valgrindCheckCommand,
} from './instruction-counts.js';
import {
  type ReplayHarnessOptions,
  type ResolvedReplayOptions,
  resolveReplayOptions,
  runPlan,
  type TestPlan,
  timingSpec,
} from './replay-options.js';
import { noiseFloors } from './scaled-benchmark.js';
import type { Instrumented, MemoryComparison, SideEffect, TestRun } from './types.js';
import {
  type Calibration,
  calibrationOf,
  describeRunner,
  measureMemory,
  parseRunnerOutput,
  type RunnerResult,
} from './verify-result.js';

/**
 * What a replay harness (replay-harness.ts) runs in the sandbox: the selected tests, the verify runner on the
 * captured calls, the A/A calibration and each side's memory. The language hooks these need are declared here.
 */
export abstract class ReplayRuns<Plan extends TestPlan> {
  protected readonly options: ResolvedReplayOptions;
  protected plan: Plan | undefined;
  /** Ratio identical code showed in the A/A run, per scale factor; a candidate's interval must clear it. */
  protected floors = new Map<string, number>([['1', 1]]);
  /** What the A/A run measured (bench/noise.ts prints it); undefined before a successful prepare(). */
  calibration: Calibration | undefined;
  private lastSpec: Record<string, unknown> = {};
  /** Whether the sandbox has valgrind (asked once, for --measure instructions). */
  private valgrind: boolean | undefined;
  /** The original's instructions per pass (--measure instructions), counted with the A/A run. */
  protected originalCounts: number[] | undefined;
  /** Why instructions were not counted although asked for (said in every benchmark). */
  protected countNote: string | undefined;
  /** Inputs the model's generator wrote (addWorkload), checked and timed beside the recorded ones. */
  protected workload: { file: string; budgetNs: number } | undefined;
  /** Set once the A/A run ran out of memory with grown or generated inputs: every later run leaves them out. */
  private largerInputsLeftOut: string | undefined;

  constructor(options: ReplayHarnessOptions) {
    this.options = resolveReplayOptions(options);
  }

  protected abstract summarizeTests(run: ExecResult, resultsText: string | undefined): TestRun;
  /** Environment of every command in the sandbox (which starts from a scrubbed one). */
  protected abstract env(extra?: Record<string, string>): Record<string, string>;
  /** The file as the verify runner loads it beside the other side (`startLine`: where the target starts in it). */
  protected abstract replayCopy(
    fileText: string,
    role: 'original' | 'candidate',
    startLine: number,
  ): Promise<Instrumented>;
  protected abstract verifierCommand(args: string[]): string[];
  /** The verify runner's command for a count under callgrind (instruction-counts.ts); the same by default. */
  protected async countCommand(args: string[]): Promise<string[]> {
    return this.verifierCommand(args);
  }
  /** Language-specific fields of the verify runner's spec. */
  protected abstract specExtras(): Record<string, unknown>;

  /** Where a side's replay copy sits (beside the target's file). */
  protected copyPath(role: 'original' | 'candidate'): string {
    return replayCopyPath(this.target.path, role);
  }

  protected get target(): Target {
    return this.options.target;
  }

  /**
   * A/A run: the original against a second copy of itself, interleaved like a real comparison. The ratio it
   * shows is this machine's noise (plus any position bias), which a candidate must clear.
   */
  protected async calibrate(): Promise<string | undefined> {
    const copy = await this.replayCopy(this.options.fileText, 'candidate', this.target.startLine);
    if (!copy.ok) return `cannot load a second copy of the original: ${copy.reason}`;
    await this.options.workspace.writeFile(this.copyPath('candidate'), copy.text);
    const first = await this.execVerifier(this.copyPath('candidate'), this.options.rounds);
    let run = parseRunnerOutput(first);
    const larger = this.options.scaleFactors.length > 0 || this.workload !== undefined;
    if (run.status === 'error' && first.outcome === 'oom' && larger) {
      // Grown inputs can need more memory than the sandbox has (camelcase's 44 string calls grown ×10 000): with
      // the original on both sides that is no candidate's fault, so every run of this function leaves them out and
      // the report says so. (A candidate that runs out of memory where the original did not is rejected.)
      this.largerInputsLeftOut =
        "larger inputs left out: the A/A run ran out of memory with them, so only the tests' own inputs were timed";
      run = await this.runVerifier(this.copyPath('candidate'), this.options.rounds);
    }
    if (run.status !== 'measured') return `the A/A calibration run failed: ${describeRunner(run)}`;
    this.floors = noiseFloors(run, this.options.seed);
    this.calibration = calibrationOf(run, this.floors, this.options.seed);
    if (this.options.measure === 'instructions') await this.calibrateCounts();
    return undefined;
  }

  /** The A/A run of the counts: the original and its second copy, each counted alone; their floor. */
  private async calibrateCounts(): Promise<void> {
    const original = await this.countInstructions('original');
    const copy = 'counts' in original ? await this.countInstructions('candidate') : original;
    if ('counts' in original && 'counts' in copy) {
      this.originalCounts = original.counts;
      this.countNote = undefined;
      const { noiseFloor } = calibrateNoiseFloor(original.counts, copy.counts, {
        seed: this.options.seed,
        paired: true,
      });
      this.floors.set(instructionsFloorKey, noiseFloor);
      return;
    }
    this.originalCounts = undefined;
    const why = 'reason' in copy ? copy.reason : 'tripped' in copy ? copy.tripped : '';
    this.countNote = `instructions were not counted (${why}): compared by wall time`;
  }

  /**
   * Instructions per pass over the tests' calls of one side alone, counted under callgrind (instruction-counts.ts);
   * or why they could not be (valgrind missing, the run failed), or what the candidate tripped.
   */
  protected async countInstructions(
    role: 'original' | 'candidate',
  ): Promise<{ counts: number[] } | { reason: string } | { tripped: string }> {
    const { workspace, benchTimeoutMs } = this.options;
    const env = this.env();
    this.valgrind ??=
      (await workspace.exec(valgrindCheckCommand, { timeoutMs: 10_000, env })).stdout.trim() !== '';
    if (!this.valgrind) return { reason: 'valgrind is not installed in the sandbox' };
    const { warmupPasses, passes } = countProtocol;
    const spec = { ...this.lastSpec, countWarmup: warmupPasses, countPasses: passes };
    await workspace.writeFile(`${harnessDir}/spec.json`, JSON.stringify(spec));
    await workspace.exec(prepareCountCommand(role), { timeoutMs: 10_000, env });
    const command = await this.countCommand([`${harnessDir}/spec.json`, '--count', role]);
    const run = await workspace.exec(callgrindCommand(role, command), { timeoutMs: benchTimeoutMs, env });
    const outcome = parseRunnerOutput(run);
    if (outcome.status === 'tripwire') return { tripped: outcome.message };
    if (outcome.status !== 'counted')
      return { reason: `the count under callgrind failed: ${describeRunner(outcome)}` };
    const dumps = await workspace.exec(readCountsCommand(role), { timeoutMs: 30_000, env });
    const counts = passCounts(dumps.stdout, passes);
    return counts ? { counts } : { reason: countFailure(run) };
  }

  /** Peak memory and memory-time integral of each side alone, replaying the calls the same number of times. */
  protected async measureSides(
    originalPassNs: number,
  ): Promise<MemoryComparison | { tripped: string } | undefined> {
    // Long enough for the sandbox's ~10 ms memory sampling to see the replay, whichever side runs it.
    const memoryRepeats = Math.min(10_000, Math.max(1, Math.ceil(300e6 / Math.max(1, originalPassNs))));
    const { workspace, benchTimeoutMs } = this.options;
    await workspace.writeFile(`${harnessDir}/spec.json`, JSON.stringify({ ...this.lastSpec, memoryRepeats }));
    return measureMemory((role) =>
      workspace.exec(this.verifierCommand([`${harnessDir}/spec.json`, '--memory', role]), {
        timeoutMs: benchTimeoutMs,
        env: this.env(),
      }),
    );
  }

  protected async runTests(
    extraEnv: Record<string, string> = {},
    timeoutMs = this.options.testTimeoutMs,
  ): Promise<TestRun> {
    const { run, results } = await runPlan(
      this.options.workspace,
      this.plan as Plan,
      this.env(extraEnv),
      timeoutMs,
    );
    return this.summarizeTests(run, results);
  }

  /** Lines the recorder wrote beside the target's captured calls (`classes`, `skipped`, `tests`); none if absent. */
  protected captureLines(suffix: string): Promise<string[]> {
    return captureLines(this.options.workspace, this.env(), this.target.id, suffix);
  }

  /**
   * Under the time instruction, per-call memory is shown but never decides, and measuring it costs as much as the
   * timing: a candidate is measured only when its point estimate at the scale the verdict rests on clears the
   * minimum speedup (below it, the interval's lower bound cannot). Counted instructions decide the tests' own
   * inputs on another measure, so no gate there.
   */
  private memoryGate(): { memoryWhenFaster?: number } {
    const { instruction, measure, minSpeedup } = this.options;
    return instruction === 'time' && measure === 'time' ? { memoryWhenFaster: 1 + minSpeedup } : {};
  }

  /** `tripwire`: set when a real candidate runs (not the original's second copy of the A/A run). */
  protected async runVerifier(
    candidate: string | undefined,
    rounds: number,
    tripwire?: { allow: SideEffect[] },
  ): Promise<RunnerResult> {
    const result = parseRunnerOutput(await this.execVerifier(candidate, rounds, tripwire));
    if (result.status === 'measured' && this.largerInputsLeftOut)
      result.scaleNotes = [this.largerInputsLeftOut, ...(result.scaleNotes ?? [])];
    return result;
  }

  private async execVerifier(
    candidate: string | undefined,
    rounds: number,
    tripwire?: { allow: SideEffect[] },
  ): Promise<ExecResult> {
    const { workspace } = this.options;
    const spec = {
      original: this.copyPath('original'),
      candidate,
      captureFile: captureFile(this.target.id),
      rounds,
      ...timingSpec(this.options),
      ...(this.largerInputsLeftOut ? { scale: undefined } : {}),
      tripwire,
      ...(tripwire ? this.memoryGate() : {}),
      ...(this.workload && !this.largerInputsLeftOut ? { workload: this.workload } : {}),
      ...this.specExtras(),
    };
    this.lastSpec = spec;
    await workspace.writeFile(`${harnessDir}/spec.json`, JSON.stringify(spec));
    return workspace.exec(this.verifierCommand([`${harnessDir}/spec.json`]), {
      timeoutMs: this.options.benchTimeoutMs,
      env: this.env(),
    });
  }
}

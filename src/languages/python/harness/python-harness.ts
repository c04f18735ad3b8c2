import { posix } from 'node:path';
import { harnessDir } from '../../../harness/harness-layout.js';
import { ReplayHarness } from '../../../harness/replay-harness.js';
import type { ReplayHarnessOptions } from '../../../harness/replay-options.js';
import type { RepoBenchSuite } from '../../../harness/repo-benchmarks.js';
import type { Instrumented, TestRun } from '../../../harness/types.js';
import type { WorkloadRunner } from '../../../harness/workload.js';
import { pythonHarnessDir } from '../../../paths.js';
import type { ExecResult } from '../../../sandbox/types.js';
import { instrumentPython } from './instrument-python.js';
import { planPythonBenchmarks } from './python-benchmarks.js';
import {
  directPythonTestFiles,
  narrowPythonPlan,
  type PythonTestPlan,
  planPythonTests,
  summarizePythonTestRun,
} from './python-tests.js';

export interface PythonHarnessOptions extends ReplayHarnessOptions {
  /** The interpreter inside the sandbox (default python3). */
  python?: string;
}

/**
 * Python: the tests that import the target's module run with pytest (else unittest); calls are recorded by
 * wrapping the target at the end of its module and pickling each call's arguments; python/verify_runner.py
 * replays them on both sides.
 */
export class PythonHarness extends ReplayHarness<PythonTestPlan> {
  protected readonly runtime = {
    dir: pythonHarnessDir,
    files: [
      'afterburner_recorder.py',
      'afterburner_equal.py',
      'afterburner_pytest.py',
      'afterburner_tripwire.py',
      'verify_runner.py',
      'afterburner_verify_spec.py',
      'afterburner_replay_clock.py',
      'afterburner_load_copy.py',
      'afterburner_recorded_calls.py',
      'afterburner_replay.py',
      'afterburner_scale.py',
      'afterburner_memory.py',
      'afterburner_count.py',
      'afterburner_timing.py',
      'run_unittest.py',
      'workload_generator.py',
    ],
  };
  protected readonly workloadRunner: WorkloadRunner = {
    file: 'afterburner_workload.py',
    wrap: (source) => source,
    command: (spec) => [this.python, `${harnessDir}/workload_generator.py`, spec],
  };
  private readonly python: string;
  /** The interpreter's own path, asked once (countCommand). */
  private interpreter: string | undefined;

  constructor(options: PythonHarnessOptions) {
    super(options);
    this.python = options.python ?? 'python3';
  }

  protected env(extra: Record<string, string> = {}): Record<string, string> {
    const root = this.options.workspace.root;
    const roots = this.plan ? this.plan.importRoots.map((r) => posix.join(root, r)) : [];
    return {
      // The target's import root, so the tests import the (instrumented) source rather than an installed copy.
      PYTHONPATH: [posix.join(root, harnessDir), ...roots].join(':'),
      // A candidate written within the same second as the original, with the same size, would otherwise run
      // from the original's cached bytecode.
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
      PYTHONHASHSEED: '0',
      // glibc hands a block over 128 KiB (a set of 5000 items) back to the kernel when it is freed, unless its
      // dynamic threshold has adapted, which depends on the process's history: the verify runner then timed page
      // faults on every call (a set-based rewrite fitted as ~n^1.5). Big blocks stay in the heap, and stay mapped.
      MALLOC_MMAP_THRESHOLD_: String(64 * 2 ** 20),
      MALLOC_TRIM_THRESHOLD_: String(256 * 2 ** 20),
      CI: 'true',
      ...extra,
    };
  }

  /** pytest when the sandbox's interpreter has it, else plain unittest. */
  private async detectRunner(): Promise<'pytest' | 'unittest'> {
    const probe = await this.options.workspace.exec([this.python, '-c', 'import pytest'], {
      timeoutMs: 30_000,
      env: this.env(),
    });
    return probe.outcome === 'ok' ? 'pytest' : 'unittest';
  }

  protected async planTests(): Promise<{ plan: PythonTestPlan } | { reason: string }> {
    const { testCommand, sourceDir, target } = this.options;
    const runner = testCommand ? 'pytest' : await this.detectRunner();
    const plan = await planPythonTests({
      sourceDir,
      targetPath: target.path,
      targetName: target.name.split('.').at(-1),
      testCommand,
      runner,
      python: this.python,
    });
    if (plan.runner !== 'script' && plan.files.length === 0) {
      return { reason: `not covered by tests: no test file imports ${plan.module.name}` };
    }
    return { plan };
  }

  /** The tests the recorder saw calling the target, plus the files that import its module directly. */
  protected override async narrowPlan(): Promise<PythonTestPlan | undefined> {
    const plan = this.plan as PythonTestPlan;
    if (plan.runner === 'script') return undefined;
    const attributed = [...new Set(await this.captureLines('tests'))];
    const direct = await directPythonTestFiles(this.options.sourceDir, plan);
    return narrowPythonPlan(plan, attributed, direct, this.python);
  }

  protected override explainBaselineFailure(tests: TestRun): string | undefined {
    const plan = this.plan as PythonTestPlan;
    if (plan.runner !== 'unittest' || tests.passedCount || tests.failedCount) return undefined;
    return (
      `the sandbox's ${this.python} has no pytest and plain unittest found no tests in ${plan.files.join(', ')}; ` +
      'use an image with pytest or a setup command that installs it'
    );
  }

  protected override planRepositoryBenchmarks(): Promise<RepoBenchSuite[]> {
    return planPythonBenchmarks({
      sourceDir: this.options.sourceDir,
      targetPath: this.target.path,
      targetName: this.target.name,
      python: this.python,
      workspaceRoot: this.options.workspace.root,
    });
  }

  protected summarizeTests(run: ExecResult, resultsText: string | undefined): TestRun {
    return summarizePythonTestRun(this.plan as PythonTestPlan, run, resultsText);
  }

  protected recordingCopy(fileText: string): Promise<Instrumented> {
    return instrumentPython({ fileText, target: this.target });
  }

  protected async replayCopy(fileText: string): Promise<Instrumented> {
    // The verify runner finds the target by name in the loaded copy; no instrumentation needed.
    return { ok: true, text: fileText };
  }

  protected verifierCommand(args: string[]): string[] {
    return [this.python, `${harnessDir}/verify_runner.py`, ...args];
  }

  /**
   * The interpreter itself, not a launcher: `python3` may be a script (pyenv's shims) that execs it after running
   * a dozen commands, each of which callgrind would otherwise follow.
   */
  protected override async countCommand(args: string[]): Promise<string[]> {
    this.interpreter ??=
      (
        await this.options.workspace.exec([this.python, '-c', 'import sys; print(sys.executable)'], {
          timeoutMs: 30_000,
          env: this.env(),
        })
      ).stdout.trim() || this.python;
    return [this.interpreter, `${harnessDir}/verify_runner.py`, ...args];
  }

  protected specExtras(): Record<string, unknown> {
    const plan = this.plan as PythonTestPlan;
    const { target, workspace } = this.options;
    return {
      module: plan.module.name,
      package: plan.module.package,
      sysPath: plan.importRoots.map((r) => posix.join(workspace.root, r)),
      target: {
        name: target.name.split('.').at(-1),
        owner: target.member?.owner,
        accessor: target.member?.accessor,
        async: target.async,
        generator: target.generator,
      },
    };
  }
}

import { readFile } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { Target } from '../detect/types.js';
import { pythonHarnessDir } from '../paths.js';
import type { ExecResult, Workspace } from '../sandbox/types.js';
import { calibrateNoiseFloor, compareSamples, median } from '../stats/index.js';
import { applyLineEdits, type Candidate, editsOf, planCandidateEdits } from './apply-candidate.js';
import { instrumentPython } from './instrument-python.js';
import { type PythonTestPlan, planPythonTests, summarizePythonTestRun } from './python-tests.js';
import type { Benchmark, Evaluation, Evaluator, MemoryComparison, Preparation, TestRun } from './types.js';

export interface PythonHarnessOptions {
  workspace: Workspace;
  target: Target;
  /** Host directory holding the head tree (read for the test files' imports). */
  sourceDir: string;
  /** Head-side text of the target's file. */
  fileText: string;
  /** The repository's own test command, when configured; it replaces per-file pytest/unittest runs. */
  testCommand?: string;
  minSpeedup: number;
  /** The interpreter inside the sandbox. */
  python?: string;
  /** A target needs at least this many calls captured from its tests. */
  minCapturedCalls?: number;
  rounds?: number;
  warmupRounds?: number;
  minRoundMs?: number;
  seed?: number;
  testTimeoutMs?: number;
  benchTimeoutMs?: number;
}

const harnessDir = '.afterburner-harness';
const captureDir = `${harnessDir}/capture`;
const runtimeFiles = [
  'afterburner_recorder.py',
  'afterburner_equal.py',
  'verify_runner.py',
  'run_unittest.py',
];
const resultMarker = 'AFTERBURNER_RESULT ';

type RunnerResult =
  | { status: 'measured'; calls: number; repeats: number; originalNs: number[]; candidateNs: number[] }
  | { status: 'deterministic'; calls: number; unreplayable?: number }
  | { status: 'mismatch'; call: number; what: string; input: string; expected: string; actual: string }
  | { status: 'non-deterministic'; call: number; what: string; first: string; second: string }
  | { status: 'no-calls'; unreplayable?: number }
  | { status: 'memory'; calls: number; repeats: number }
  | { status: 'error'; message: string };

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]+/g, '_');
}

function describeFailures(tests: TestRun): string {
  if (tests.failures && tests.failures.length > 0) {
    return tests.failures
      .slice(0, 3)
      .map((f) => `${f.name}: ${f.message}`)
      .join('\n');
  }
  return tests.outputTail;
}

/**
 * Verifies Python candidates like NodeHarness does JavaScript ones: the tests that import the target's module
 * (pytest, else unittest) must pass, and on every call those tests made to the original (captured by wrapping it
 * at the end of its module and pickling each call's arguments), the candidate must return an equal value, raise
 * the same exception and leave its arguments and receiver in the same state; then both are timed side by side.
 */
export class PythonHarness implements Evaluator {
  private readonly options: Required<Omit<PythonHarnessOptions, 'testCommand'>> & { testCommand?: string };
  private plan: PythonTestPlan | undefined;
  /** Ratio identical code showed in the A/A run; a candidate's interval must clear it. */
  private noiseFloor = 1;
  private lastSpec: Record<string, unknown> = {};

  constructor(options: PythonHarnessOptions) {
    this.options = {
      python: 'python3',
      minCapturedCalls: 1,
      rounds: 30,
      warmupRounds: 3,
      minRoundMs: 5,
      seed: 1,
      testTimeoutMs: 180_000,
      benchTimeoutMs: 180_000,
      // An option passed as undefined keeps its default.
      ...(Object.fromEntries(
        Object.entries(options).filter(([, value]) => value !== undefined),
      ) as PythonHarnessOptions),
    };
  }

  private get target(): Target {
    return this.options.target;
  }

  private copyPath(role: 'original' | 'candidate'): string {
    return posix.join(posix.dirname(this.target.path), `.afterburner-${role}-${basename(this.target.path)}`);
  }

  private env(extra: Record<string, string> = {}): Record<string, string> {
    const root = this.options.workspace.root;
    const plan = this.plan;
    const roots = plan ? plan.importRoots.map((r) => posix.join(root, r)) : [];
    return {
      // The target's import root, so the tests import the (instrumented) source rather than an installed copy.
      PYTHONPATH: [posix.join(root, harnessDir), ...roots].join(':'),
      // A candidate written within the same second as the original, with the same size, would otherwise run
      // from the original's cached bytecode.
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
      CI: 'true',
      ...extra,
    };
  }

  /** pytest when the sandbox's interpreter has it, else plain unittest. */
  private async detectRunner(): Promise<'pytest' | 'unittest'> {
    const probe = await this.options.workspace.exec([this.options.python, '-c', 'import pytest'], {
      timeoutMs: 30_000,
      env: this.env(),
    });
    return probe.outcome === 'ok' ? 'pytest' : 'unittest';
  }

  /** Runs the original's tests, captures the calls they make to it, and checks the original is deterministic. */
  async prepare(): Promise<Preparation> {
    const { workspace, testCommand, fileText, sourceDir, target, python } = this.options;
    const runner = testCommand ? 'pytest' : await this.detectRunner();
    this.plan = await planPythonTests({ sourceDir, targetPath: target.path, testCommand, runner, python });
    if (this.plan.runner !== 'script' && this.plan.files.length === 0) {
      return { ok: false, reason: `not covered by tests: no test file imports ${this.plan.module.name}` };
    }
    for (const file of runtimeFiles) {
      await workspace.writeFile(
        `${harnessDir}/${file}`,
        await readFile(join(pythonHarnessDir, file), 'utf8'),
      );
    }
    await workspace.writeFile(`${captureDir}/.keep`, '');

    const tests = await this.runTests();
    if (!tests.passed && this.plan.runner === 'unittest' && !tests.passedCount && !tests.failedCount) {
      const files = this.plan.files.join(', ');
      return {
        ok: false,
        reason: `the sandbox's ${python} has no pytest and plain unittest found no tests in ${files}; use an image with pytest or a setup command that installs it`,
      };
    }
    if (!tests.passed)
      return { ok: false, reason: `the tests fail before any change: ${describeFailures(tests)}` };

    const recording = await instrumentPython({ fileText, target });
    if (!recording.ok) return { ok: false, reason: `cannot capture its calls: ${recording.reason}` };
    await workspace.writeFile(target.path, recording.text);
    const captureRun = await this.runTests({
      AFTERBURNER_CAPTURE_DIR: posix.join(workspace.root, captureDir),
    });
    await workspace.writeFile(target.path, fileText);
    if (!captureRun.passed) {
      return {
        ok: false,
        reason: `the tests fail when its calls are recorded: ${describeFailures(captureRun)}`,
      };
    }

    await workspace.writeFile(this.copyPath('original'), fileText);
    const check = await this.runVerifier(undefined, 0);
    const skipped = (await this.skippedCalls()) + ('unreplayable' in check ? (check.unreplayable ?? 0) : 0);
    if (check.status === 'no-calls') {
      const why = skipped > 0 ? ` (${skipped} calls had arguments that cannot be recorded)` : '';
      return { ok: false, reason: `not covered by tests: the tests never called \`${target.name}\`${why}` };
    }
    if (check.status === 'non-deterministic') {
      return {
        ok: false,
        reason: `non-deterministic: two runs of the original on captured call ${check.call} differ in ${check.what} (${check.first} vs ${check.second})`,
      };
    }
    if (check.status !== 'deterministic')
      return { ok: false, reason: `replaying its calls failed: ${describeRunner(check)}` };
    if (check.calls < this.options.minCapturedCalls) {
      return {
        ok: false,
        reason: `not covered by tests: ${check.calls} calls captured, ${this.options.minCapturedCalls} needed`,
      };
    }
    const calibration = await this.calibrate();
    if (calibration) return { ok: false, reason: calibration };
    return { ok: true, tests, capturedCalls: check.calls, skippedCalls: skipped };
  }

  /**
   * A/A run: the original against a second copy of itself, interleaved like a real comparison. The ratio it
   * shows is this machine's noise (plus any position bias), which a candidate must clear.
   */
  private async calibrate(): Promise<string | undefined> {
    await this.options.workspace.writeFile(this.copyPath('candidate'), this.options.fileText);
    const run = await this.runVerifier(this.copyPath('candidate'), this.options.rounds);
    if (run.status !== 'measured') return `the A/A calibration run failed: ${describeRunner(run)}`;
    this.noiseFloor = calibrateNoiseFloor(run.originalNs, run.candidateNs, {
      seed: this.options.seed,
    }).noiseFloor;
    return undefined;
  }

  /** Peak memory and memory-time integral of each side alone, replaying the calls the same number of times. */
  private async measureMemory(originalPassNs: number): Promise<MemoryComparison | undefined> {
    // Long enough for the sandbox's ~10 ms memory sampling to see the replay, whichever side runs it.
    const memoryRepeats = Math.min(10_000, Math.max(1, Math.ceil(300e6 / Math.max(1, originalPassNs))));
    const { workspace, python, benchTimeoutMs } = this.options;
    await workspace.writeFile(`${harnessDir}/spec.json`, JSON.stringify({ ...this.lastSpec, memoryRepeats }));
    const resources: Partial<Record<'original' | 'candidate', NonNullable<ExecResult['resources']>>> = {};
    for (const role of ['original', 'candidate'] as const) {
      const run = await workspace.exec(
        [python, `${harnessDir}/verify_runner.py`, `${harnessDir}/spec.json`, '--memory', role],
        { timeoutMs: benchTimeoutMs, env: this.env({ PYTHONHASHSEED: '0' }) },
      );
      if (parseRunnerOutput(run).status !== 'memory' || !run.resources) return undefined;
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

  async evaluate(candidate: Candidate): Promise<Evaluation> {
    const { workspace, target, fileText, minSpeedup } = this.options;
    if (!this.plan) throw new Error('PythonHarness.evaluate called before a successful prepare()');
    const edits = await planCandidateEdits(fileText, target, candidate);
    const candidateFile = applyLineEdits(fileText, editsOf(edits));
    await workspace.writeFile(target.path, candidateFile);
    const tests = await this.runTests();
    await workspace.writeFile(target.path, fileText);
    if (!tests.passed) {
      return {
        status: 'rejected',
        stage: 'tests',
        reason: `tests ${tests.outcome}:\n${describeFailures(tests)}`,
        tests,
      };
    }
    await workspace.writeFile(this.copyPath('candidate'), candidateFile);

    const result = await this.runVerifier(this.copyPath('candidate'), this.options.rounds);
    if (result.status === 'mismatch') {
      const reason =
        `differs from the original in its ${result.what} on captured call ${result.call}: input ${result.input}; ` +
        `expected ${result.expected}, got ${result.actual}`;
      return { status: 'rejected', stage: 'differential', reason, tests };
    }
    if (result.status !== 'measured')
      return { status: 'rejected', stage: 'benchmark', reason: describeRunner(result), tests };
    const comparison = compareSamples(result.originalNs, result.candidateNs, {
      minSpeedup,
      noiseFloor: this.noiseFloor,
      seed: this.options.seed,
    });
    const benchmark: Benchmark = {
      calls: result.calls,
      repeats: result.repeats,
      rounds: this.options.rounds,
      originalMedianNs: median(result.originalNs),
      candidateMedianNs: median(result.candidateNs),
      estimate: comparison.estimate,
      verdict: comparison.verdict,
      uTestP: comparison.uTest.pValue,
      threshold: comparison.threshold,
    };
    if (benchmark.verdict !== 'faster') {
      const reason = `correct, but not significantly faster: ${comparison.reason}`;
      return { status: 'rejected', stage: 'not-faster', reason, tests, benchmark };
    }
    benchmark.memory = await this.measureMemory(benchmark.originalMedianNs);
    return { status: 'verified', tests, benchmark, differentialCalls: result.calls, edits };
  }

  private async runTests(extraEnv: Record<string, string> = {}): Promise<TestRun> {
    const plan = this.plan as PythonTestPlan;
    const { workspace, testTimeoutMs } = this.options;
    const env = this.env(extraEnv);
    if (plan.resultsFile) await workspace.exec(['rm', '-f', plan.resultsFile], { timeoutMs: 10_000, env });
    const run = await workspace.exec(['sh', '-c', plan.command], { timeoutMs: testTimeoutMs, env });
    const results = plan.resultsFile
      ? await workspace.exec(['cat', plan.resultsFile], { timeoutMs: 10_000, env })
      : undefined;
    return summarizePythonTestRun(plan, run, results?.outcome === 'ok' ? results.stdout : undefined);
  }

  private async skippedCalls(): Promise<number> {
    const file = `${captureDir}/${safeId(this.target.id)}.skipped`;
    const run = await this.options.workspace.exec(['sh', '-c', `wc -c < '${file}' 2>/dev/null || echo 0`], {
      timeoutMs: 10_000,
      env: this.env(),
    });
    return Number.parseInt(run.stdout.trim(), 10) || 0;
  }

  private async runVerifier(candidate: string | undefined, rounds: number): Promise<RunnerResult> {
    const { workspace, seed, target, python } = this.options;
    const plan = this.plan as PythonTestPlan;
    const spec = {
      original: this.copyPath('original'),
      candidate,
      captureFile: `${captureDir}/${safeId(target.id)}.calls`,
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
      maxCalls: 200,
      rounds,
      warmupRounds: this.options.warmupRounds,
      minRoundNs: this.options.minRoundMs * 1e6,
      seed,
    };
    this.lastSpec = spec;
    await workspace.writeFile(`${harnessDir}/spec.json`, JSON.stringify(spec));
    const run = await workspace.exec([python, `${harnessDir}/verify_runner.py`, `${harnessDir}/spec.json`], {
      timeoutMs: this.options.benchTimeoutMs,
      env: this.env({ PYTHONHASHSEED: '0' }),
    });
    return parseRunnerOutput(run);
  }
}

function parseRunnerOutput(run: ExecResult): RunnerResult {
  const line = run.stdout.split('\n').findLast((l) => l.startsWith(resultMarker));
  if (!line) {
    return {
      status: 'error',
      message: `verify runner ${run.outcome} with no result:\n${tail(`${run.stdout}\n${run.stderr}`)}`,
    };
  }
  return JSON.parse(line.slice(resultMarker.length)) as RunnerResult;
}

function describeRunner(result: RunnerResult): string {
  return 'message' in result ? result.message : result.status;
}

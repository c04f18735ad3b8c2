import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { Target } from '../detect/types.js';
import { nodeHarnessDir } from '../paths.js';
import type { ExecResult, Workspace } from '../sandbox/types.js';
import { calibrateNoiseFloor, compareSamples, median } from '../stats/index.js';
import { applyLineEdits, type Candidate, editsOf, planCandidateEdits } from './apply-candidate.js';
import { type InstrumentMode, instrumentJavaScript, isEsModule } from './instrument-js.js';
import { type JsTestPlan, planJsTests, summarizeTestRun } from './js-tests.js';
import type { Benchmark, Evaluation, Evaluator, MemoryComparison, Preparation, TestRun } from './types.js';

export interface NodeHarnessOptions {
  workspace: Workspace;
  target: Target;
  /** Host directory holding the head tree (read for package.json and the test files' imports). */
  sourceDir: string;
  /** Head-side text of the target's file. */
  fileText: string;
  /** The repository's test script (package.json scripts.test, or the configured command). */
  testCommand: string | undefined;
  minSpeedup: number;
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
const runtimeFiles = ['recorder.cjs', 'recorder.mjs', 'equal.mjs', 'verify-runner.mjs'];
const resultMarker = 'AFTERBURNER_RESULT ';

type RunnerResult =
  | { status: 'measured'; calls: number; repeats: number; originalNs: number[]; candidateNs: number[] }
  | { status: 'deterministic'; calls: number }
  | { status: 'mismatch'; call: number; what: string; input: string; expected: string; actual: string }
  | { status: 'non-deterministic'; call: number; what: string; first: string; second: string }
  | { status: 'no-calls' }
  | { status: 'memory'; calls: number; repeats: number }
  | { status: 'error'; message: string };

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function safeId(id: string): string {
  return id.replace(/[^\w.-]+/g, '_');
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
 * Verifies JavaScript candidates the way a sceptical reviewer would: the tests that reach the target must pass,
 * and on every call the tests made to the original (captured by instrumenting it), the candidate must return the
 * same value, throw the same error and leave its arguments and receiver in the same state; then both are timed
 * side by side on those calls.
 */
export class NodeHarness implements Evaluator {
  private readonly options: Required<Omit<NodeHarnessOptions, 'testCommand'>> & { testCommand?: string };
  private plan: JsTestPlan | undefined;
  /** Ratio identical code showed in the A/A run; a candidate's interval must clear it. */
  private noiseFloor = 1;
  private lastSpec: Record<string, unknown> = {};
  private esm = false;

  private get loader(): string[] {
    return this.typeScript ? ['--import', 'tsx'] : [];
  }

  private get typeScript(): boolean {
    return this.target.language === 'typescript' || this.target.language === 'tsx';
  }

  constructor(options: NodeHarnessOptions) {
    this.options = {
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
      ) as NodeHarnessOptions),
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
    return {
      PATH: `${join(root, 'node_modules', '.bin')}:/usr/local/bin:/usr/bin:/bin`,
      HOME: '/tmp',
      CI: 'true',
      NODE_ENV: 'test',
      ...extra,
    };
  }

  private recorderSpecifier(): string {
    const file = `${harnessDir}/${this.esm ? 'recorder.mjs' : 'recorder.cjs'}`;
    const relative = posix.relative(posix.dirname(this.target.path), file);
    return relative.startsWith('.') ? relative : `./${relative}`;
  }

  private async instrument(fileText: string, mode: InstrumentMode, startLine = this.target.startLine) {
    return instrumentJavaScript({
      fileText,
      target: { ...this.target, startLine },
      mode,
      esm: this.esm,
      recorderSpecifier: this.recorderSpecifier(),
    });
  }

  /** Runs the original's tests, captures the calls they make to it, and checks the original is deterministic. */
  async prepare(): Promise<Preparation> {
    const { workspace, testCommand, fileText, sourceDir, target } = this.options;
    if (!testCommand)
      return { ok: false, reason: 'the repository has no test command (package.json scripts.test)' };
    const manifest = JSON.parse(
      await readFile(join(sourceDir, 'package.json'), 'utf8').catch(() => '{}'),
    ) as { type?: string };
    this.esm = isEsModule(target.path, fileText, manifest.type);
    if (this.typeScript && !existsSync(join(sourceDir, 'node_modules', 'tsx'))) {
      // Node cannot load TypeScript by itself; the benchmark loads the module through the project's tsx.
      return {
        ok: false,
        reason: "TypeScript needs the project's `tsx` loader installed to load the module beside a candidate",
      };
    }
    this.plan = await planJsTests({ sourceDir, targetPath: target.path, script: testCommand });
    if (this.plan.runner !== 'script' && this.plan.files.length === 0) {
      return { ok: false, reason: `not covered by tests: no test file imports ${target.path}` };
    }
    for (const file of runtimeFiles) {
      await workspace.writeFile(`${harnessDir}/${file}`, await readFile(join(nodeHarnessDir, file), 'utf8'));
    }
    await workspace.writeFile(`${captureDir}/.keep`, '');

    const tests = await this.runTests();
    if (!tests.passed)
      return { ok: false, reason: `the tests fail before any change: ${describeFailures(tests)}` };

    const recording = await this.instrument(fileText, { kind: 'record' });
    if (!recording.ok) return { ok: false, reason: `cannot capture its calls: ${recording.reason}` };
    await workspace.writeFile(target.path, recording.text);
    const captureRun = await this.runTests({ AFTERBURNER_CAPTURE_DIR: join(workspace.root, captureDir) });
    await workspace.writeFile(target.path, fileText);
    if (!captureRun.passed) {
      return {
        ok: false,
        reason: `the tests fail when its calls are recorded: ${describeFailures(captureRun)}`,
      };
    }

    const registered = await this.instrument(fileText, { kind: 'register', role: 'original' });
    if (!registered.ok)
      return { ok: false, reason: `cannot load it beside a candidate: ${registered.reason}` };
    await workspace.writeFile(this.copyPath('original'), registered.text);
    const check = await this.runVerifier(undefined, 0);
    const skipped = await this.skippedCalls();
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
    const calibration = await this.calibrate(registered.text);
    if (calibration) return { ok: false, reason: calibration };
    return { ok: true, tests, capturedCalls: check.calls, skippedCalls: skipped };
  }

  async evaluate(candidate: Candidate): Promise<Evaluation> {
    const { workspace, target, fileText, minSpeedup } = this.options;
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
    const shift = edits.imports ? edits.imports.replacement.split('\n').length - 1 : 0;
    const registered = await this.instrument(
      candidateFile,
      { kind: 'register', role: 'candidate' },
      target.startLine + shift,
    );
    if (!registered.ok)
      return {
        status: 'rejected',
        stage: 'benchmark',
        reason: `cannot load the candidate: ${registered.reason}`,
        tests,
      };
    await workspace.writeFile(this.copyPath('candidate'), registered.text);

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
      return {
        status: 'rejected',
        stage: 'not-faster',
        reason: `correct, but not significantly faster: ${comparison.reason}`,
        tests,
        benchmark,
      };
    }
    benchmark.memory = await this.measureMemory(benchmark.originalMedianNs);
    return { status: 'verified', tests, benchmark, differentialCalls: result.calls, edits };
  }

  /**
   * A/A run: the original against a second copy of itself, interleaved like a real comparison. The ratio it
   * shows is this machine's noise (plus any position bias), which a candidate must clear.
   */
  private async calibrate(registeredOriginal: string): Promise<string | undefined> {
    const asCandidate = registeredOriginal.replace(
      /(register(?:Method)?\([^,]+, )"original"/,
      '$1"candidate"',
    );
    await this.options.workspace.writeFile(this.copyPath('candidate'), asCandidate);
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
    await this.options.workspace.writeFile(
      `${harnessDir}/spec.json`,
      JSON.stringify({ ...this.lastSpec, memoryRepeats }),
    );
    const sides: Record<'original' | 'candidate', ExecResult> = {} as never;
    for (const role of ['original', 'candidate'] as const) {
      const run = await this.options.workspace.exec(
        [
          'node',
          ...this.loader,
          `${harnessDir}/verify-runner.mjs`,
          `${harnessDir}/spec.json`,
          '--memory',
          role,
        ],
        { timeoutMs: this.options.benchTimeoutMs, env: this.env() },
      );
      if (parseRunnerOutput(run).status !== 'memory' || !run.resources) return undefined;
      sides[role] = run;
    }
    const original = sides.original.resources;
    const candidate = sides.candidate.resources;
    if (!original || !candidate) return undefined;
    return {
      originalPeakBytes: Math.max(0, original.peakMemoryBytes - original.baselineMemoryBytes),
      candidatePeakBytes: Math.max(0, candidate.peakMemoryBytes - candidate.baselineMemoryBytes),
      originalIntegralMibMs: original.memoryIntegralMibMs,
      candidateIntegralMibMs: candidate.memoryIntegralMibMs,
      source: original.source,
    };
  }

  private async runTests(extraEnv: Record<string, string> = {}): Promise<TestRun> {
    const plan = this.plan as JsTestPlan;
    const { workspace, testTimeoutMs } = this.options;
    const env = this.env(extraEnv);
    if (plan.resultsFile) await workspace.exec(['rm', '-f', plan.resultsFile], { timeoutMs: 10_000, env });
    const run = await workspace.exec(['sh', '-c', plan.command], { timeoutMs: testTimeoutMs, env });
    const results = plan.resultsFile
      ? await workspace.exec(['cat', plan.resultsFile], { timeoutMs: 10_000, env })
      : undefined;
    return summarizeTestRun(plan, run, results?.outcome === 'ok' ? results.stdout : undefined);
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
    const { workspace, seed, target } = this.options;
    const spec = {
      original: this.copyPath('original'),
      candidate,
      captureFile: `${captureDir}/${safeId(target.id)}.calls`,
      generator: target.generator,
      maxCalls: 200,
      rounds,
      warmupRounds: this.options.warmupRounds,
      minRoundNs: this.options.minRoundMs * 1e6,
      seed,
    };
    this.lastSpec = spec;
    await workspace.writeFile(`${harnessDir}/spec.json`, JSON.stringify(spec));
    const run = await workspace.exec(
      ['node', ...this.loader, `${harnessDir}/verify-runner.mjs`, `${harnessDir}/spec.json`],
      {
        timeoutMs: this.options.benchTimeoutMs,
        env: this.env(),
      },
    );
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

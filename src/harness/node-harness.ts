import { readFile } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { Target } from '../detect/types.js';
import { nodeHarnessDir } from '../paths.js';
import type { ExecResult, Workspace } from '../sandbox/types.js';
import { estimateSpeedup, median, verdictOf } from '../stats/index.js';
import { applyLineEdits, type Candidate, editsOf, planCandidateEdits } from './apply-candidate.js';
import type { Benchmark, Evaluation, Evaluator, Preparation, TestRun } from './types.js';

export interface NodeHarnessOptions {
  workspace: Workspace;
  target: Target;
  /** Head-side text of the target's file. */
  fileText: string;
  /** Shell command that runs the repository's tests; undefined when the repository has none. */
  testCommand: string | undefined;
  /** Repository-relative module exporting benchmark inputs per `path#name`. */
  inputsFile: string;
  minSpeedup: number;
  rounds?: number;
  warmupRounds?: number;
  minRoundMs?: number;
  seed?: number;
  testTimeoutMs?: number;
  benchTimeoutMs?: number;
}

const harnessDir = '.afterburner-harness';
const resultMarker = 'AFTERBURNER_RESULT ';

type RunnerResult =
  | { status: 'measured'; calls: number; repeats: number; originalNs: number[]; candidateNs: number[] }
  | {
      status: 'mismatch';
      call: number;
      input: string;
      expected: string;
      actual: string;
      argumentsAfter?: string[];
    }
  | { status: 'no-inputs' | 'error'; message: string };

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Evaluates JavaScript candidates: repository tests, then a differential check and benchmark on the inputs. */
export class NodeHarness implements Evaluator {
  private readonly originalCopy: string;
  private readonly options: Required<Omit<NodeHarnessOptions, 'testCommand'>> & { testCommand?: string };

  constructor(options: NodeHarnessOptions) {
    this.options = {
      rounds: 30,
      warmupRounds: 3,
      minRoundMs: 5,
      seed: 1,
      testTimeoutMs: 120_000,
      benchTimeoutMs: 180_000,
      ...options,
    };
    const dir = posix.dirname(options.target.path);
    this.originalCopy = posix.join(dir, `.afterburner-original-${basename(options.target.path)}`);
  }

  private get target(): Target {
    return this.options.target;
  }

  private get env(): Record<string, string> {
    const root = this.options.workspace.root;
    return {
      PATH: `${join(root, 'node_modules', '.bin')}:/usr/local/bin:/usr/bin:/bin`,
      HOME: '/tmp',
      CI: 'true',
      NODE_ENV: 'test',
    };
  }

  /** Installs the runner, then checks that the original passes its tests and has benchmark inputs. */
  async prepare(): Promise<Preparation> {
    const { workspace, testCommand, fileText } = this.options;
    if (!testCommand)
      return { ok: false, reason: 'the repository has no test command (package.json scripts.test)' };
    const runner = await readFile(join(nodeHarnessDir, 'bench-runner.mjs'), 'utf8');
    await workspace.writeFile(`${harnessDir}/bench-runner.mjs`, runner);
    await workspace.writeFile(this.originalCopy, fileText);

    const tests = await this.runTests();
    if (!tests.passed) {
      return { ok: false, reason: `the repository's tests fail before any change (${tests.outcome})` };
    }
    const probe = await this.runBenchmark(2);
    if (probe.status === 'no-inputs') {
      return {
        ok: false,
        reason: `no benchmark inputs for ${this.inputsKey} in ${this.options.inputsFile}`,
      };
    }
    if (probe.status !== 'measured') {
      return { ok: false, reason: `the benchmark of the original failed: ${describeRunnerFailure(probe)}` };
    }
    return { ok: true, tests };
  }

  async evaluate(candidate: Candidate): Promise<Evaluation> {
    const { workspace, target, fileText, minSpeedup } = this.options;
    const edits = await planCandidateEdits(fileText, target, candidate);
    await workspace.writeFile(target.path, applyLineEdits(fileText, editsOf(edits)));
    const tests = await this.runTests();
    if (!tests.passed) {
      return {
        status: 'rejected',
        stage: 'tests',
        reason: `tests ${tests.outcome}:\n${tests.outputTail}`,
        tests,
      };
    }
    const result = await this.runBenchmark(this.options.rounds);
    if (result.status === 'mismatch') {
      const reason =
        `differs from the original on benchmark call ${result.call}: input ${result.input}; ` +
        `expected ${result.expected}, got ${result.actual}`;
      return { status: 'rejected', stage: 'differential', reason, tests };
    }
    if (result.status !== 'measured') {
      return { status: 'rejected', stage: 'benchmark', reason: describeRunnerFailure(result), tests };
    }
    const benchmark = summarize(result, this.options.rounds, minSpeedup, this.options.seed);
    if (benchmark.verdict !== 'faster') {
      const { speedup, low, high } = benchmark.estimate;
      const reason =
        `correct, but not significantly faster: ${speedup.toFixed(2)}× (95% CI ${low.toFixed(2)}–${high.toFixed(2)}×, ` +
        `needs ≥ ${(1 + minSpeedup).toFixed(2)}×)`;
      return { status: 'rejected', stage: 'not-faster', reason, tests, benchmark };
    }
    return { status: 'verified', tests, benchmark, differentialCalls: result.calls, edits };
  }

  private get inputsKey(): string {
    return `${this.target.path}#${this.target.exportName ?? this.target.name}`;
  }

  private async runTests(): Promise<TestRun> {
    const command = this.options.testCommand;
    if (!command) throw new Error('prepare() must find a test command before tests can run');
    const run = await this.options.workspace.exec(['sh', '-c', command], {
      timeoutMs: this.options.testTimeoutMs,
      env: this.env,
    });
    return {
      command,
      outcome: run.outcome,
      passed: run.outcome === 'ok',
      durationMs: run.durationMs,
      outputTail: tail(`${run.stdout}\n${run.stderr}`),
    };
  }

  private async runBenchmark(rounds: number): Promise<RunnerResult> {
    const { workspace, target, inputsFile, seed } = this.options;
    const spec = {
      original: this.originalCopy,
      candidate: target.path,
      exportName: target.exportName,
      inputs: inputsFile,
      key: this.inputsKey,
      rounds,
      warmupRounds: this.options.warmupRounds,
      minRoundNs: this.options.minRoundMs * 1e6,
      seed,
    };
    await workspace.writeFile(`${harnessDir}/spec.json`, JSON.stringify(spec));
    const run = await workspace.exec(['node', `${harnessDir}/bench-runner.mjs`, `${harnessDir}/spec.json`], {
      timeoutMs: this.options.benchTimeoutMs,
      env: this.env,
    });
    return parseRunnerOutput(run);
  }
}

function parseRunnerOutput(run: ExecResult): RunnerResult {
  const line = run.stdout.split('\n').findLast((l) => l.startsWith(resultMarker));
  if (!line) {
    return {
      status: 'error',
      message: `benchmark ${run.outcome} with no result:\n${tail(`${run.stdout}\n${run.stderr}`)}`,
    };
  }
  return JSON.parse(line.slice(resultMarker.length)) as RunnerResult;
}

function describeRunnerFailure(result: RunnerResult): string {
  return 'message' in result ? result.message : result.status;
}

function summarize(
  result: Extract<RunnerResult, { status: 'measured' }>,
  rounds: number,
  minSpeedup: number,
  seed: number,
): Benchmark {
  const estimate = estimateSpeedup(result.originalNs, result.candidateNs, { seed });
  return {
    calls: result.calls,
    repeats: result.repeats,
    rounds,
    originalMedianNs: median(result.originalNs),
    candidateMedianNs: median(result.candidateNs),
    estimate,
    verdict: verdictOf(estimate, minSpeedup),
  };
}

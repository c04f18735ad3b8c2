import { join, posix } from 'node:path';
import { harnessDir } from '../../../harness/harness-layout.js';
import { ReplayHarness } from '../../../harness/replay-harness.js';
import type { ReplayHarnessOptions } from '../../../harness/replay-options.js';
import type { RepoBenchSuite } from '../../../harness/repo-benchmarks.js';
import type { Instrumented, TestRun } from '../../../harness/types.js';
import type { WorkloadRunner } from '../../../harness/workload.js';
import { nodeHarnessDir } from '../../../paths.js';
import type { ExecResult } from '../../../sandbox/types.js';
import { instrumentJavaScript, isEsModule } from './instrument-js.js';
import { planJsBenchmarks } from './js-benchmarks.js';
import { binDirs, nearestPackageType } from './js-package.js';
import { type JsTestPlan, planJsTests, summarizeTestRun } from './js-tests.js';
import { ensureSucraseBundle, typeScriptLoaderFiles } from './sucrase-bundle.js';

export type NodeHarnessOptions = ReplayHarnessOptions;

/**
 * JavaScript and TypeScript: tests run by the project's runner (vitest, jest, mocha, node:test), calls recorded
 * by a wrapper inserted at the definition (recorder.cjs), replayed by node/verify-runner.mjs; TypeScript and JSX
 * modules load through our own loader (node/ts-loader.mjs), compiled to the format the project's tests use.
 */
export class NodeHarness extends ReplayHarness<JsTestPlan> {
  private esm = false;
  private packageType: string | undefined;
  protected override readonly recordingFormat = 'node-v8';

  protected get runtime(): { dir: string; files: string[] } {
    const files = [
      'recorder.cjs',
      'recorder.d.cts',
      'recorder-values.cjs',
      'recorder-callbacks.cjs',
      'recorder-files.cjs',
      'equal.mjs',
      'tripwire.mjs',
      'verify-runner.mjs',
      'replay-spec.mjs',
      'recorded-calls.mjs',
      'replay-environment.mjs',
      'replay-outcome.mjs',
      'timed-replay.mjs',
      'cpu-clock.mjs',
      'timing-protocol.mjs',
      'memory-protocol.mjs',
      'instruction-passes.mjs',
      'plain-copy.mjs',
      'scale-inputs.mjs',
      'scaled-calls.mjs',
      'generated-calls.mjs',
      'frames.mjs',
      'workload-generator.mjs',
      'jasmine-reporter.cjs',
      'bench-hooks.cjs',
      'bench-loader.mjs',
    ];
    return { dir: nodeHarnessDir, files: this.compiled ? [...files, ...typeScriptLoaderFiles] : files };
  }

  private get typeScript(): boolean {
    return this.target.language === 'typescript' || this.target.language === 'tsx';
  }

  /**
   * Whether Node needs our loader for the module: TypeScript, JSX, or a `.js` ES module outside a "type": "module"
   * package, which Node would load as CommonJS (projects that compile on the fly, e.g. with @babel/register).
   */
  private get compiled(): boolean {
    const esmAsCommonJs = this.esm && this.target.path.endsWith('.js') && this.packageType !== 'module';
    return this.typeScript || this.target.path.endsWith('.jsx') || esmAsCommonJs;
  }

  protected async planTests(): Promise<{ plan: JsTestPlan } | { reason: string }> {
    const { testCommand, fileText, sourceDir, target } = this.options;
    if (!testCommand) return { reason: 'the repository has no test command (package.json scripts.test)' };
    this.packageType = await nearestPackageType(sourceDir, target.path);
    this.esm = isEsModule(target.path, fileText, this.packageType);
    if (this.compiled) await ensureSucraseBundle();
    const plan = await planJsTests({ sourceDir, targetPath: target.path, script: testCommand });
    if (plan.runner !== 'script' && plan.files.length === 0) {
      return { reason: `not covered by tests: no test file imports ${target.path}` };
    }
    return { plan };
  }

  protected override planRepositoryBenchmarks(): Promise<RepoBenchSuite[]> {
    return planJsBenchmarks({
      sourceDir: this.options.sourceDir,
      cwd: this.plan?.cwd ?? '',
      targetPath: this.target.path,
      targetName: this.target.name,
      workspaceRoot: this.options.workspace.root,
      typeScriptLoader: this.compiled,
    });
  }

  protected summarizeTests(run: ExecResult, resultsText: string | undefined): TestRun {
    return summarizeTestRun(this.plan as JsTestPlan, run, resultsText);
  }

  protected env(extra: Record<string, string> = {}): Record<string, string> {
    const root = this.options.workspace.root;
    const bins = binDirs(this.plan?.cwd ?? '').map((dir) => join(root, dir, 'node_modules', '.bin'));
    return {
      // The image's own runtime first: a `node_modules/.bin/node` the pull request planted must not run as `node`.
      PATH: `/usr/local/bin:/usr/bin:/bin:${bins.join(':')}`,
      HOME: '/tmp',
      CI: 'true',
      NODE_ENV: 'test',
      // What the TypeScript loader compiles a file to when neither its extension nor its package decides.
      AFTERBURNER_TS_FORMAT: this.plan?.runner === 'vitest' ? 'module' : 'commonjs',
      // Recording: every Node process loads the recorder first, so a file a test evaluates as a script finds it.
      ...(extra.AFTERBURNER_CAPTURE_DIR
        ? { NODE_OPTIONS: `--require "${join(root, harnessDir, 'recorder.cjs')}"` }
        : {}),
      ...extra,
    };
  }

  private recorderSpecifier(): string {
    // Every module imports the CommonJS recorder, whatever it compiles to (see instrument-js.ts).
    const file = `${harnessDir}/recorder.cjs`;
    const relative = posix.relative(posix.dirname(this.target.path), file);
    // A bare `.afterburner-harness/…` (a file at the root) would resolve as a package name.
    return relative.startsWith('../') ? relative : `./${relative}`;
  }

  protected recordingCopy(fileText: string): Promise<Instrumented> {
    return instrumentJavaScript({
      fileText,
      target: this.target,
      mode: { kind: 'record' },
      esm: this.esm,
      recorderSpecifier: this.recorderSpecifier(),
    });
  }

  protected replayCopy(
    fileText: string,
    role: 'original' | 'candidate',
    startLine: number,
  ): Promise<Instrumented> {
    return instrumentJavaScript({
      fileText,
      target: { ...this.target, startLine },
      mode: { kind: 'register', role },
      esm: this.esm,
      recorderSpecifier: this.recorderSpecifier(),
      scopeNames: this.scopeNames,
    });
  }

  protected verifierCommand(args: string[], flags: string[] = []): string[] {
    const loader = this.compiled ? ['--import', `./${harnessDir}/ts-loader.mjs`] : [];
    // --expose-gc: the verify runner collects the garbage of preparing a round before timing it.
    return ['node', '--expose-gc', ...flags, ...loader, `${harnessDir}/verify-runner.mjs`, ...args];
  }

  /**
   * Under callgrind V8 must do the same work every run: no compiler or collector threads racing the main one,
   * collections at the same points, the same seeds (a count then repeats to about 1 in 10^6).
   */
  protected override async countCommand(args: string[]): Promise<string[]> {
    return this.verifierCommand(args, [
      '--single-threaded',
      '--predictable',
      '--random-seed=1',
      '--hash-seed=1',
    ]);
  }

  protected readonly workloadRunner: WorkloadRunner = {
    file: 'workload.mjs',
    // An ES module of its own: the answer's function, handed over as the default export unless it exports one.
    wrap: (source) =>
      /\bexport\s+default\b/.test(source)
        ? source
        : `${source}\nexport default typeof afterburnerInputs === 'function' ? afterburnerInputs : undefined;\n`,
    command: (spec) => ['node', `${harnessDir}/workload-generator.mjs`, spec],
  };

  protected specExtras(): Record<string, unknown> {
    return { generator: this.target.generator };
  }
}

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { nodeHarnessDir } from '../paths.js';
import type { ExecResult } from '../sandbox/types.js';
import { instrumentJavaScript, isEsModule } from './instrument-js.js';
import { type JsTestPlan, planJsTests, summarizeTestRun } from './js-tests.js';
import { harnessDir, ReplayHarness, type ReplayHarnessOptions } from './replay-harness.js';
import type { Instrumented, TestRun } from './types.js';

export type NodeHarnessOptions = ReplayHarnessOptions;

/**
 * JavaScript and TypeScript: tests run by the project's runner (vitest, jest, mocha, node:test), calls recorded
 * by a wrapper inserted at the definition (recorder.cjs), replayed by node/verify-runner.mjs; TypeScript modules
 * load through the project's own tsx.
 */
export class NodeHarness extends ReplayHarness<JsTestPlan> {
  protected readonly runtime = {
    dir: nodeHarnessDir,
    files: ['recorder.cjs', 'recorder.mjs', 'equal.mjs', 'verify-runner.mjs'],
  };
  private esm = false;

  private get typeScript(): boolean {
    return this.target.language === 'typescript' || this.target.language === 'tsx';
  }

  protected async planTests(): Promise<{ plan: JsTestPlan } | { reason: string }> {
    const { testCommand, fileText, sourceDir, target } = this.options;
    if (!testCommand) return { reason: 'the repository has no test command (package.json scripts.test)' };
    const manifest = JSON.parse(
      await readFile(join(sourceDir, 'package.json'), 'utf8').catch(() => '{}'),
    ) as {
      type?: string;
    };
    this.esm = isEsModule(target.path, fileText, manifest.type);
    if (this.typeScript && !existsSync(join(sourceDir, 'node_modules', 'tsx'))) {
      // Node cannot load TypeScript by itself; the benchmark loads the module through the project's tsx.
      return {
        reason: "TypeScript needs the project's `tsx` loader installed to load the module beside a candidate",
      };
    }
    const plan = await planJsTests({ sourceDir, targetPath: target.path, script: testCommand });
    if (plan.runner !== 'script' && plan.files.length === 0) {
      return { reason: `not covered by tests: no test file imports ${target.path}` };
    }
    return { plan };
  }

  protected summarizeTests(run: ExecResult, resultsText: string | undefined): TestRun {
    return summarizeTestRun(this.plan as JsTestPlan, run, resultsText);
  }

  protected env(extra: Record<string, string> = {}): Record<string, string> {
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
    });
  }

  protected verifierCommand(args: string[]): string[] {
    const loader = this.typeScript ? ['--import', 'tsx'] : [];
    return ['node', ...loader, `${harnessDir}/verify-runner.mjs`, ...args];
  }

  protected specExtras(): Record<string, unknown> {
    return { generator: this.target.generator };
  }
}

import type { TestRun } from '../../../../harness/types.js';

export type JsTestRunner =
  | 'vitest'
  | 'jest'
  | 'mocha'
  | 'node:test'
  | 'jasmine'
  | 'ava'
  | 'tap'
  | 'tape'
  | 'qunit'
  | 'script';

export type RunnerCounts = Pick<TestRun, 'passedCount' | 'failedCount' | 'failures'>;

/** What a runner's command is built from; every path is relative to the package the command runs in. */
export interface RunnerContext {
  /** The test files that reach the target. */
  files: string[];
  /** The package's own test script. */
  script: string;
  /** Where machine-readable results must be written. */
  resultsFile: string;
  /** Where the harness's runtime files are. */
  harnessDir: string;
  /** Host directory of the package (to read the runner's configuration). */
  packageDir: string;
}

/** One JavaScript test runner: which files it accepts, how to run them, how to read what it reports. */
export interface JsRunner {
  readonly name: JsTestRunner;
  /** True when the command writes `resultsFile`; otherwise results are read from stdout. */
  readonly writesResults: boolean;
  /** Drops the files the runner would refuse as test files (helpers, fixtures). */
  acceptFiles?(files: string[], context: RunnerContext): Promise<string[]>;
  command(context: RunnerContext): string | Promise<string>;
  parse(stdout: string, resultsText: string | undefined): RunnerCounts | undefined;
}

export function quote(path: string): string {
  return `'${path.replace(/'/g, "'\\''")}'`;
}

/** The words of the script's command that starts with `name` (up to the next `&&`, `||`, `;`, `|` or `)`). */
export function invocationArgs(script: string, name: string): string[] {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?:^|[\\s/;&|])${escaped}(?=\\s|$)([^;&|)]*)`).exec(script);
  return match?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}

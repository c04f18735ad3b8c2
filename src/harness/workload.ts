import type { ExecResult, Workspace } from '../sandbox/types.js';
import { harnessDir } from './harness-layout.js';
import { outputTail, runnerResult } from './runner-output.js';

/**
 * Model-generated workloads (issue 14): the tests call a function with tiny inputs, so when a model is configured
 * it is asked once per function for an input generator, `afterburnerInputs(n)` / `afterburner_inputs(n)`, which
 * returns a list of argument lists of size about n. It runs in the sandbox, in a process of its own that writes
 * plain data only (v8 serialization; Python literals read back with `ast.literal_eval`), so nothing it does can
 * reach the process that checks and times candidates. The original must handle the inputs; candidates are then
 * checked against it and timed on them like on inputs grown from the recorded calls.
 */

/** The sizes the generator is asked for, smallest first; it stops when the next would overrun its budget. */
export const workloadSizes: readonly number[] = [100, 1_000, 10_000, 100_000];

export interface WorkloadRunner {
  /** File name under the harness directory the answer is written to. */
  file: string;
  /** The file's text: the model's answer plus what the language needs to hand the function over. */
  wrap(source: string): string;
  command(specFile: string): string[];
}

export interface WorkloadOutcome {
  /** The sizes whose inputs every candidate is now checked and timed on; empty when none was kept. */
  kept: number[];
  /** Why the generator's inputs (or some sizes) were not kept. */
  notes: string[];
}

type GeneratorResult =
  | { status: 'generated'; sizes: number[]; notes: string[] }
  | { status: 'error'; message: string };

/**
 * Writes the model's generator (`source`, wrapped by the language's runner) into the workspace and runs it in a
 * process of its own; it writes the inputs to `out` as plain data.
 */
export async function runWorkloadGenerator(options: {
  workspace: Workspace;
  runner: WorkloadRunner;
  source: string;
  out: string;
  scaleBudgetMs: number;
  timeoutMs: number;
  env: Record<string, string>;
}): Promise<ExecResult> {
  const { workspace, runner } = options;
  await workspace.writeFile(`${harnessDir}/${runner.file}`, runner.wrap(options.source));
  const spec = {
    generator: `${harnessDir}/${runner.file}`,
    out: options.out,
    sizes: workloadSizes,
    // Building the inputs may take 20 passes' worth of time; each pass over them must then fit one.
    budgetNs: options.scaleBudgetMs * 1e6 * 20,
    maxBytes: 64 * 2 ** 20,
  };
  await workspace.writeFile(`${harnessDir}/workload-spec.json`, JSON.stringify(spec));
  return workspace.exec(runner.command(`${harnessDir}/workload-spec.json`), {
    timeoutMs: options.timeoutMs,
    env: options.env,
  });
}

export function parseWorkloadOutput(run: ExecResult): GeneratorResult {
  const parsed = runnerResult(run) as GeneratorResult | undefined;
  if (!parsed) {
    const tail = outputTail(run, 3).split('\n').join(' · ');
    return {
      status: 'error',
      message: `the input generator ${run.outcome} with no result: ${tail.slice(0, 300)}`,
    };
  }
  return parsed.status === 'generated'
    ? { status: 'generated', sizes: parsed.sizes.filter(Number.isFinite), notes: parsed.notes.map(String) }
    : { status: 'error', message: String(parsed.message) };
}

/** Whether a target can take generated inputs: a plain function (a method would need a receiver to call it on). */
export function acceptsWorkload(target: { member?: unknown; generator: boolean }): boolean {
  return target.member === undefined && !target.generator;
}

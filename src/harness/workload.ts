import type { ExecResult } from '../sandbox/types.js';
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

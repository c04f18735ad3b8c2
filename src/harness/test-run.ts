import { posix } from 'node:path';
import type { ExecResult } from '../sandbox/types.js';
import type { TestRun } from './types.js';

/** What every language's test run reports before its machine-readable results are parsed. */
export function baseTestRun(
  plan: { command: string; runner: string; files: string[]; cwd?: string },
  run: ExecResult,
): TestRun {
  // Reports name files from the repository root, and a command that runs in a package says where it runs.
  const { cwd } = plan;
  return {
    command: cwd ? `cd ${cwd} && ${plan.command}` : plan.command,
    runner: plan.runner,
    files: cwd ? plan.files.map((f) => posix.join(cwd, f)) : plan.files,
    outcome: run.outcome,
    passed: run.outcome === 'ok',
    durationMs: run.durationMs,
    outputTail: outputTail(`${run.stdout}\n${run.stderr}`),
  };
}

const stackFrame = /^\s+at \S/;

/**
 * The last lines of a test run's output, with long stack traces folded: a crash's last 15 lines are otherwise all
 * frames, and the error's own message (printed above them) is what the reader needs.
 */
export function outputTail(output: string, count = 15): string {
  const folded: string[] = [];
  let frames = 0;
  for (const line of output.trim().split('\n')) {
    if (stackFrame.test(line)) {
      frames += 1;
      if (frames <= 2) folded.push(line);
      continue;
    }
    if (frames > 2) folded.push(`    … ${frames - 2} more frames`);
    frames = 0;
    folded.push(line);
  }
  if (frames > 2) folded.push(`    … ${frames - 2} more frames`);
  return folded.slice(-count).join('\n');
}

/** The first lines of an assertion message: enough for the model's feedback, bounded. */
export function firstLines(text: string, count = 6): string {
  return text.split('\n').slice(0, count).join('\n').slice(0, 800);
}

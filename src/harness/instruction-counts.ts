import type { ExecResult } from '../sandbox/types.js';
import { harnessDir } from './harness-layout.js';

/**
 * Instruction counting (`--measure instructions`): each side replays the tests' calls alone, in a process run under
 * valgrind's callgrind, which counts the instructions it executes whatever else the machine is doing. The replay
 * (node/instruction-passes.mjs, python/afterburner_count.py) calls getppid() before rebuilding a pass's arguments
 * and again before running them; `--dump-before=getppid` makes callgrind write its counters at each, so every pass
 * yields the count of its calls alone. Warm-up passes run unmarked first: V8's counts repeat only once its tiers
 * settle, after 10–20 passes (measured on Node 18 and 20 with the flags in node-harness.ts).
 */
export const countProtocol = { warmupPasses: 20, passes: 10 } as const;

const countDir = `${harnessDir}/callgrind`;

/** Where the counts' A/A floor is kept beside time's (the tests' own calls only). */
export const instructionsFloorKey = 'instructions@1';

/** The command that counts a side's passes: `command` is the verify runner's, with the language's flags. */
export function callgrindCommand(role: 'original' | 'candidate', command: readonly string[]): string[] {
  return [
    'valgrind',
    '--tool=callgrind',
    '--dump-before=getppid',
    // JIT-compiled code lives in anonymous mappings, which this checks for self-modification (Node's V8).
    '--smc-check=all-non-file',
    `--callgrind-out-file=${countDir}/${role}.%p`,
    ...command,
  ];
}

/** Before a count: an empty directory for the dumps (`mkdir -p` then removing old ones). */
export function prepareCountCommand(role: 'original' | 'candidate'): string[] {
  return ['sh', '-c', `mkdir -p ${countDir} && rm -f ${countDir}/${role}.*`];
}

/** After a count: each dump's total, as `path:totals: N` lines. */
export function readCountsCommand(role: 'original' | 'candidate'): string[] {
  return ['sh', '-c', `grep -H '^totals:' ${countDir}/${role}.* 2>/dev/null; rm -f ${countDir}/${role}.*`];
}

export const valgrindCheckCommand = ['sh', '-c', 'command -v valgrind'];

/**
 * The per-pass counts from the dumps' totals: dump 1 is everything before the first marked pass (start-up and the
 * warm-up), then each pass gives two (rebuilding its arguments, running its calls); the last file (no number) is
 * the exit. Keeps the running halves; undefined when the dumps do not add up to the passes asked for.
 */
export function passCounts(grepOutput: string, passes: number): number[] | undefined {
  // By process: the replay's is the one with the most dumps (should a child the code starts be followed too).
  const byProcess = new Map<string, Map<number, number>>();
  for (const line of grepOutput.split('\n')) {
    const match = /\.(\d+)\.(\d+):totals:\s*(\d+)/.exec(line);
    if (!match) continue;
    const [, pid = '', dump, total] = match;
    if (!byProcess.has(pid)) byProcess.set(pid, new Map());
    byProcess.get(pid)?.set(Number(dump), Number(total));
  }
  const dumps = [...byProcess.values()].sort((a, b) => b.size - a.size)[0] ?? new Map<number, number>();
  const counts: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const count = dumps.get(3 + 2 * pass);
    if (count === undefined) return undefined;
    counts.push(count);
  }
  return counts;
}

/** Why a count run gave nothing, for the report. */
export function countFailure(run: ExecResult): string {
  const tail = `${run.stderr}`.trim().split('\n').slice(-3).join(' ');
  return `the count under callgrind ${run.outcome === 'ok' ? 'wrote no counts' : run.outcome}${tail ? `: ${tail.slice(0, 300)}` : ''}`;
}

/**
 * Monolith's job (the paper's sandbox): run one program and say how long it took, its peak memory and its memory
 * held over time. The program runs as the interpreter's main script in a sandbox workspace; the figures are the
 * sandbox's own measurement of the command (sandbox/types.ts ResourceUsage), less the container's idle memory.
 */
import type { ExecOutcome, ResourceUsage, Workspace } from '../sandbox/types.js';

export const executableLanguages = ['python', 'javascript'] as const;
export type ExecutableLanguage = (typeof executableLanguages)[number];

/** How each language's program is started, and the file it is written to. */
export const interpreters: Record<ExecutableLanguage, { command: string; file: string }> = {
  python: { command: 'python3', file: 'main.py' },
  javascript: { command: 'node', file: 'main.js' },
};

export interface ProgramRun {
  language: ExecutableLanguage;
  code: string;
  timeoutMs: number;
}

export interface MeasuredProgram {
  outcome: ExecOutcome;
  /** The program's exit code; null when it was killed (timeout, memory limit). */
  returncode: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the command, interpreter start included (as Monolith reports it). */
  durationMs: number;
  /** User + system CPU time of the command: the figure that other tenants of the machine disturb least. */
  cpuMs: number;
  /** Highest memory in use, above what the sandbox held before the command started. */
  peakMemoryKib: number;
  /** ∫ (memory − idle) dt by the trapezoid rule over real Δt, in KiB·ms. */
  integralKibMs: number;
}

/** The directory each run's program is written to (overwritten by the next run in the same workspace). */
export const programDir = 'afterburner-program';

/** Runs `run.code` in `workspace` and measures it; a workspace runs one program at a time. */
export async function executeProgram(workspace: Workspace, run: ProgramRun): Promise<MeasuredProgram> {
  const { command, file } = interpreters[run.language];
  await workspace.writeFile(`${programDir}/${file}`, run.code);
  const result = await workspace.exec([command, file], { timeoutMs: run.timeoutMs, cwd: programDir });
  return {
    outcome: result.outcome,
    returncode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    ...programFigures(result.resources, result.durationMs),
  };
}

/** A run's figures from the sandbox's measurement, above the sandbox's idle memory; `elapsedMs` when unmeasured. */
export function programFigures(
  usage: ResourceUsage | undefined,
  elapsedMs: number,
): Pick<MeasuredProgram, 'durationMs' | 'cpuMs' | 'peakMemoryKib' | 'integralKibMs'> {
  const baselineKib = (usage?.baselineMemoryBytes ?? 0) / 1024;
  const durationMs = usage?.wallMs ?? elapsedMs;
  return {
    durationMs,
    cpuMs: usage?.cpuMs ?? durationMs,
    peakMemoryKib: usage ? Math.max(0, usage.peakMemoryBytes / 1024 - baselineKib) : 0,
    integralKibMs: usage ? Math.max(0, usage.memoryIntegralMibMs * 1024 - baselineKib * durationMs) : 0,
  };
}

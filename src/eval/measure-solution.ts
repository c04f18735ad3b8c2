/** One solution's verdict and figures: its driver run `repeats` times in the sandbox, the median of each figure. */
import { executeProgram } from '../execute/execute-code.js';
import type { Workspace } from '../sandbox/types.js';
import { median } from '../stats/index.js';
import { driverProgram } from './driver.js';
import type { Problem } from './problems.js';

/** The paper's three objectives, as eval measures them. */
export interface SolutionMetrics {
  /** CPU time of the whole run (interpreter start included): the time figure least disturbed by other tenants. */
  cpuMs: number;
  peakMemoryKib: number;
  integralKibMs: number;
}

export interface MeasuredSolution {
  passed: boolean;
  /** Why it failed: the first failing test, a timeout, a crash (standard error's last lines). */
  failure?: string;
  /** Medians over the runs; absent when it failed. */
  metrics?: SolutionMetrics;
  /** Wall time of the runs, for the record (not a verdict figure). */
  durationMs?: number;
}

export interface MeasureOptions {
  repeats: number;
  timeoutMs: number;
}

/** The error line of a traceback or stack (Node prints the stack after it), else the last lines. */
function failureOf(stderr: string): string {
  const lines = stderr.trim().split('\n');
  const error = lines.findLast((line) => /^\s*[\w.]*(Error|Exception)\b/.test(line));
  return (error?.trim() ?? lines.slice(-3).join(' / ')).slice(0, 300);
}

export async function measureSolution(
  workspace: Workspace,
  problem: Problem,
  solution: string,
  options: MeasureOptions,
): Promise<MeasuredSolution> {
  const code = driverProgram(problem, solution);
  const runs = [];
  for (let i = 0; i < options.repeats; i++) {
    const run = await executeProgram(workspace, {
      language: problem.language,
      code,
      timeoutMs: options.timeoutMs,
    });
    if (run.outcome !== 'ok' || run.returncode !== 0) {
      const why =
        run.outcome === 'timeout'
          ? `timed out after ${options.timeoutMs / 1000} s`
          : run.outcome === 'oom'
            ? 'ran out of memory'
            : failureOf(run.stderr) || `exit code ${run.returncode}`;
      return { passed: false, failure: why };
    }
    runs.push(run);
  }
  return {
    passed: true,
    metrics: {
      cpuMs: median(runs.map((r) => r.cpuMs)),
      peakMemoryKib: median(runs.map((r) => r.peakMemoryKib)),
      integralKibMs: median(runs.map((r) => r.integralKibMs)),
    },
    durationMs: median(runs.map((r) => r.durationMs)),
  };
}

/**
 * The paper's metrics. pass@1: the share of problems whose solution passes every test. Beyond-X (X = time, memory,
 * integral): per problem, 0 when the solution fails, else the share of reference solutions that are no better
 * than it on X (their figure ≥ its figure); averaged over problems.
 */
import type { MeasuredSolution, SolutionMetrics } from './measure-solution.js';

export const objectives = {
  time: 'cpuMs',
  memory: 'peakMemoryKib',
  integral: 'integralKibMs',
} as const satisfies Record<string, keyof SolutionMetrics>;

export type Objective = keyof typeof objectives;

export interface Score {
  pass: number;
  beyondT: number;
  beyondM: number;
  beyondI: number;
}

/** The share of references no better than the solution on one objective; 0 when it failed or none was measured. */
export function beyond(
  solution: MeasuredSolution,
  references: readonly SolutionMetrics[],
  objective: Objective,
): number {
  if (!solution.passed || !solution.metrics || references.length === 0) return 0;
  const key = objectives[objective];
  const mine = solution.metrics[key];
  return references.filter((r) => r[key] >= mine).length / references.length;
}

export function scoreOf(solution: MeasuredSolution, references: readonly SolutionMetrics[]): Score {
  return {
    pass: solution.passed ? 1 : 0,
    beyondT: beyond(solution, references, 'time'),
    beyondM: beyond(solution, references, 'memory'),
    beyondI: beyond(solution, references, 'integral'),
  };
}

/** The mean of each metric over problems (0 for an empty set). */
export function meanScore(scores: readonly Score[]): Score {
  const mean = (pick: (s: Score) => number) =>
    scores.length === 0 ? 0 : scores.reduce((sum, s) => sum + pick(s), 0) / scores.length;
  return {
    pass: mean((s) => s.pass),
    beyondT: mean((s) => s.beyondT),
    beyondM: mean((s) => s.beyondM),
    beyondI: mean((s) => s.beyondI),
  };
}

/** Whether `candidate` is kept over `current` under an objective (the paper's loop keeps only improvements). */
export function isBetter(
  candidate: MeasuredSolution,
  current: MeasuredSolution,
  objective: Objective,
): boolean {
  if (!candidate.passed || !candidate.metrics) return false;
  if (!current.passed || !current.metrics) return true;
  const key = objectives[objective];
  return candidate.metrics[key] < current.metrics[key];
}

/**
 * `afterburner eval`'s loop, the paper's Iterative Optimization Framework per problem: the model writes a first
 * solution (iteration 0); then for i in 1…N it sees the current solution and its figures and answers a candidate,
 * which is measured and kept only when it is better under the objective. Every iteration's kept solution is scored
 * against the problem's reference solutions, measured in the same sandbox.
 */
import type { ExecutableLanguage } from '../execute/execute-code.js';
import { codeOf } from '../optimize/extract.js';
import type { ModelProvider, TokenUsage } from '../providers/types.js';
import type { Workspace } from '../sandbox/types.js';
import {
  type MeasuredSolution,
  type MeasureOptions,
  measureSolution,
  type SolutionMetrics,
} from './measure-solution.js';
import type { Problem } from './problems.js';
import { firstPrompt, improvePrompt } from './prompt.js';
import { isBetter, meanScore, type Objective, type Score, scoreOf } from './scores.js';

export interface EvalOptions {
  provider: ModelProvider;
  /** Improvement rounds after the first solution (the paper runs 10). */
  iterations: number;
  objective: Objective;
  measure: MeasureOptions;
  /** The workspace a language's programs run in (one program at a time). */
  workspaceFor: (language: ExecutableLanguage) => Promise<Workspace>;
  onProgress?: (line: string) => void;
  /** References already measured (by problem id), e.g. shared by several models' runs; the rest are measured. */
  references?: ReadonlyMap<string, MeasuredReference[]>;
}

export interface MeasuredReference {
  label?: string;
  /** `given` in the problem file, or `measured` here. */
  source: 'given' | 'measured';
  metrics?: SolutionMetrics;
  /** Why a reference that fails its own problem's tests was left out of the comparison. */
  failure?: string;
}

export interface Step {
  iteration: number;
  /** What the model answered this iteration, measured; a failure when it gave no code or the request failed. */
  candidate: MeasuredSolution;
  /** Whether the candidate became the current solution. */
  kept: boolean;
  /** The current solution after this iteration and its score against the references. */
  current: MeasuredSolution;
  score: Score;
}

export interface ProblemResult {
  id: string;
  language: ExecutableLanguage;
  title?: string;
  references: MeasuredReference[];
  steps: Step[];
  /** The final solution's code, when there is one. */
  finalCode?: string;
}

export interface EvalResult {
  provider: string;
  model: string;
  objective: Objective;
  iterations: number;
  problems: ProblemResult[];
  /** Mean scores over problems after each iteration (index = iteration). */
  perIteration: Score[];
  usage: TokenUsage;
}

const fenceTags: Record<ExecutableLanguage, ReadonlySet<string>> = {
  python: new Set(['python', 'py', 'python3', '']),
  javascript: new Set(['javascript', 'js', 'node', 'mjs', '']),
};

/** The references' figures: as given in the file when all three are, else measured here like the answers. */
export async function measureReferences(
  problem: Problem,
  workspace: Workspace,
  measure: MeasureOptions,
): Promise<MeasuredReference[]> {
  const measured: MeasuredReference[] = [];
  for (const reference of problem.references) {
    const { label, cpu_ms, peak_memory_kib, integral_kib_ms } = reference;
    if (cpu_ms !== undefined && peak_memory_kib !== undefined && integral_kib_ms !== undefined) {
      measured.push({
        label,
        source: 'given',
        metrics: { cpuMs: cpu_ms, peakMemoryKib: peak_memory_kib, integralKibMs: integral_kib_ms },
      });
      continue;
    }
    const run = await measureSolution(workspace, problem, reference.code, measure);
    measured.push(
      run.passed
        ? { label, source: 'measured', metrics: run.metrics }
        : { label, source: 'measured', failure: run.failure },
    );
  }
  return measured;
}

export async function evaluateProblem(
  problem: Problem,
  references: MeasuredReference[],
  options: EvalOptions,
  usage: TokenUsage,
): Promise<ProblemResult> {
  const workspace = await options.workspaceFor(problem.language);
  const figures = references.flatMap((r) => (r.metrics ? [r.metrics] : []));
  const ask = async (iteration: number, messages: ReturnType<typeof firstPrompt>) => {
    try {
      const reply = await options.provider.propose({ messages, count: 1, iteration });
      usage.inputTokens += reply.usage.inputTokens;
      usage.outputTokens += reply.usage.outputTokens;
      const code = codeOf(reply.answers[0] ?? '', fenceTags[problem.language]);
      return code?.trim() ? { code } : { failure: 'the answer holds no code block' };
    } catch (error) {
      return { failure: `the model request failed: ${(error as Error).message}` };
    }
  };
  const attempt = async (answer: { code?: string; failure?: string }): Promise<MeasuredSolution> =>
    answer.code === undefined
      ? { passed: false, failure: answer.failure }
      : measureSolution(workspace, problem, answer.code, options.measure);

  const steps: Step[] = [];
  let current: MeasuredSolution = { passed: false, failure: 'no solution yet' };
  let currentCode: string | undefined;
  for (let iteration = 0; iteration <= options.iterations; iteration++) {
    const messages =
      currentCode === undefined
        ? firstPrompt(problem)
        : improvePrompt(problem, currentCode, current, options.objective);
    const answer = await ask(iteration, messages);
    const candidate = await attempt(answer);
    // Iteration 0's answer is the starting point even when it fails; later ones must do better.
    const kept =
      currentCode === undefined ? answer.code !== undefined : isBetter(candidate, current, options.objective);
    if (kept || iteration === 0) {
      current = candidate;
      currentCode = answer.code;
    }
    steps.push({ iteration, candidate, kept, current, score: scoreOf(current, figures) });
    options.onProgress?.(
      `${problem.id}: iteration ${iteration}: ${candidate.passed ? 'passed' : `failed (${candidate.failure})`}${kept ? ', kept' : ''}`,
    );
  }
  return {
    id: problem.id,
    language: problem.language,
    title: problem.title,
    references,
    steps,
    finalCode: currentCode,
  };
}

export async function evaluate(problems: readonly Problem[], options: EvalOptions): Promise<EvalResult> {
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const results: ProblemResult[] = [];
  for (const problem of problems) {
    const workspace = await options.workspaceFor(problem.language);
    const references =
      options.references?.get(problem.id) ?? (await measureReferences(problem, workspace, options.measure));
    results.push(await evaluateProblem(problem, references, options, usage));
  }
  const perIteration = Array.from({ length: options.iterations + 1 }, (_, i) =>
    meanScore(results.map((r) => r.steps[i]?.score ?? { pass: 0, beyondT: 0, beyondM: 0, beyondI: 0 })),
  );
  return {
    provider: options.provider.name,
    model: options.provider.model,
    objective: options.objective,
    iterations: options.iterations,
    problems: results,
    perIteration,
    usage,
  };
}

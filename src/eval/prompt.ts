/**
 * The paper's prompt for a problem: the language, the problem, the current solution with one line of its
 * figures (Passed / Time / Memory / Integral), and the output format (exactly one fenced code block); fix it when
 * it failed, else optimize for the instruction.
 */
import { fenceFor } from '../fence.js';
import { instructionText } from '../optimize/metric.js';
import type { ChatMessage } from '../providers/types.js';
import type { MeasuredSolution } from './measure-solution.js';
import type { Problem } from './problems.js';
import type { Objective } from './scores.js';

const languageNames = { python: 'Python 3', javascript: 'JavaScript (Node.js)' } as const;

const system =
  'You are an expert programmer who writes correct and efficient code. You answer with exactly one fenced code block.';

function fence(code: string, tag: string): string {
  const ticks = fenceFor(code);
  return `${ticks}${tag}\n${code}\n${ticks}`;
}

function outputFormat(problem: Problem): string {
  const tag = problem.language === 'python' ? 'python' : 'javascript';
  const extra =
    problem.language === 'javascript' ? ' (a function declaration; no `export`, `require` or `import`)' : '';
  return (
    `## Output format\nAnswer with exactly one \`\`\`${tag} code block that defines the top-level function ` +
    `\`${problem.entry}\`${extra}. Standard library only; no printing, files, network or processes.`
  );
}

export function metricsLine(solution: MeasuredSolution): string {
  if (!solution.passed || !solution.metrics) return `Passed: no (${solution.failure ?? 'failed'})`;
  const m = solution.metrics;
  return `Passed: yes | Time: ${m.cpuMs.toFixed(1)} ms | Memory: ${m.peakMemoryKib.toFixed(0)} KiB | Integral: ${(m.integralKibMs / 1000).toFixed(1)} KiB·s`;
}

/** Iteration 0: the first solution, from the statement and the starter code. */
export function firstPrompt(problem: Problem): ChatMessage[] {
  const tag = problem.language === 'python' ? 'python' : 'javascript';
  const starter = problem.starter ? `\n\n## Starter code\n${fence(problem.starter, tag)}` : '';
  return [
    { role: 'system', content: system },
    {
      role: 'user',
      content: `Language: ${languageNames[problem.language]}\n\n## Problem\n${problem.statement}${starter}\n\n${outputFormat(problem)}`,
    },
  ];
}

/** Iterations 1…N: the current solution and its figures; fix it if it failed, else optimize for the objective. */
export function improvePrompt(
  problem: Problem,
  code: string,
  measured: MeasuredSolution,
  objective: Objective,
): ChatMessage[] {
  const tag = problem.language === 'python' ? 'python' : 'javascript';
  const task = measured.passed
    ? instructionText[objective]
    : 'The current solution fails: fix it so that it is correct, and keep it efficient.';
  return [
    { role: 'system', content: system },
    {
      role: 'user',
      content:
        `Language: ${languageNames[problem.language]}\n\n## Problem\n${problem.statement}\n\n` +
        `## Current solution\n${fence(code, tag)}\n${metricsLine(measured)}\n\n## Task\n${task}\n\n${outputFormat(problem)}`,
    },
  ];
}

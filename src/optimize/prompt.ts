import type { Target } from '../detect/types.js';
import type { Benchmark } from '../harness/types.js';
import type { ChatMessage } from '../providers/types.js';

export type Instruction = 'time';

export interface PromptInput {
  target: Target;
  currentSource: string;
  /** Measurements of the current code against the original; undefined while it is the original. */
  currentBenchmark?: Benchmark;
  /** Why earlier candidates were rejected, newest last. */
  feedback: string[];
}

const system =
  'You are a performance engineer. You rewrite one function so that it runs faster while behaving exactly ' +
  'the same for every input: same return values, same thrown errors, same mutations of its arguments, same ' +
  'order of results. You never add dependencies.';

function fence(code: string, language = 'javascript'): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${code}\n${ticks}`;
}

function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

function metricsLine(benchmark: Benchmark | undefined): string {
  if (!benchmark)
    return 'Passed: yes | Time: baseline (the original) | Memory: not measured | Integral: not measured';
  return (
    `Passed: yes | Time: ${formatNs(benchmark.candidateMedianNs)} per round vs ${formatNs(benchmark.originalMedianNs)} ` +
    `for the original (${benchmark.estimate.speedup.toFixed(2)}×) | Memory: not measured | Integral: not measured`
  );
}

/** The Afterburner paper's prompt (language, code, instruction, metrics line, output format) plus feedback. */
export function buildPrompt(input: PromptInput): ChatMessage[] {
  const { target, currentSource, currentBenchmark, feedback } = input;
  const sections = [
    '## Language\nJavaScript',
    `## Code to optimize\n\`${target.name}\` in \`${target.path}\` (lines ${target.startLine}–${target.endLine}):\n${fence(currentSource)}`,
  ];
  if (target.context.trim())
    sections.push(`## Context from the same file (do not repeat it)\n${fence(target.context)}`);
  sections.push(
    '## Instruction\nOptimize for execution time: make the code measurably faster on large inputs, ' +
      'keeping its behaviour identical.',
    `## Current solution\n${metricsLine(currentBenchmark)}`,
  );
  if (feedback.length > 0) {
    sections.push(
      `## Feedback on earlier attempts\n${feedback.map((f) => `- ${f.replace(/\n/g, '\n  ')}`).join('\n')}`,
    );
  }
  sections.push(
    '## Output format\nAnswer with exactly one fenced ```javascript code block holding the complete replacement ' +
      'for the lines shown: the same function name, parameters and export, and nothing else from the file. ' +
      'If the current solution failed, fix it; otherwise make it faster.',
  );
  return [
    { role: 'system', content: system },
    { role: 'user', content: sections.join('\n\n') },
  ];
}

import type { Target } from '../detect/types.js';
import { fenceFor } from '../fence.js';
import { headlineEstimate } from '../harness/scaled-benchmark.js';
import type { Benchmark } from '../harness/types.js';
import { infoFor, pluginFor } from '../languages/index.js';
import type { ChatMessage } from '../providers/types.js';
import { type CandidateEvidence, feedbackText } from './candidate-evidence.js';
import type { ProjectDependencies } from './dependencies.js';
import { type Instruction, instructionText, metricOf } from './metric.js';

export interface PromptInput {
  target: Target;
  currentSource: string;
  /** Imports the current best candidate added (none while it is the original). */
  currentImports?: string[];
  /** Measurements of the current code against the original; undefined while it is the original. */
  currentBenchmark?: Benchmark;
  /** Earlier candidates the model should learn from (rejected, or not better than the best), newest last. */
  feedback: readonly CandidateEvidence[];
  instruction?: Instruction;
  /** The project's declared dependencies, which candidates may import. */
  dependencies?: ProjectDependencies;
  /** Upper bound on the prompt's estimated tokens; context and old feedback are trimmed to fit. */
  maxTokens?: number;
  /** Offline rules whose shape the function has but whose safety conditions it fails (`rule: why`). */
  nearMisses?: readonly string[];
}

export const defaultPromptTokens = 6000;

/** No tokenizer ships with our dependencies; ~4 characters per token is the usual estimate for code and English. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

const system =
  'You are a performance engineer. You rewrite one function so that it is more efficient while behaving exactly ' +
  'the same for every input: same return values, same thrown errors, same mutations of its arguments, same ' +
  'order of results. You never add third-party dependencies.';

function fence(code: string, language: string): string {
  const ticks = fenceFor(code);
  return `${ticks}${language}\n${code}\n${ticks}`;
}

function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

function metricsLine(benchmark: Benchmark | undefined): string {
  if (!benchmark)
    return 'Passed: yes | Time: baseline (the original) | Memory: baseline | Integral: baseline';
  const memory = metricOf(benchmark, 'memory');
  const integral = metricOf(benchmark, 'integral');
  const gain = (g: typeof memory) => (g ? `${g.ratio.toFixed(2)}× better than the original` : 'not measured');
  return (
    `Passed: yes | Time: ${formatNs(benchmark.candidateMedianNs)} per round vs ${formatNs(benchmark.originalMedianNs)} ` +
    `for the original (${headlineEstimate(benchmark).speedup.toFixed(2)}×) | Memory: ${gain(memory)} | Integral: ${gain(integral)}`
  );
}

function importsSection(input: PromptInput): string {
  const { target } = input;
  const info = infoFor(target.language);
  const declared = input.dependencies?.[pluginFor(target.language).dependencyKey];
  const allowed = declared?.length
    ? `${info.standardLibrary}, the project's own modules, and its declared dependencies: ${declared.slice(0, 40).join(', ')}`
    : `${info.standardLibrary} and the project's own modules`;
  return (
    `## Imports\nIf the new code needs an import, put the import lines at the top of the same code block, above the ` +
    `function. Allowed: ${allowed}. Any other package is a new dependency and the answer is rejected.`
  );
}

/** Pieces of the prompt that may be dropped to fit the budget, largest first. */
interface Trimmable {
  kind: 'context' | 'feedback';
  index: number;
  text: string;
}

/** The Afterburner paper's prompt (language, code, instruction, metrics line, output format) plus feedback. */
export function buildPrompt(input: PromptInput): ChatMessage[] {
  const { target, currentSource, currentBenchmark } = input;
  const info = infoFor(target.language);
  const instruction = input.instruction ?? 'time';
  const contextParts = target.context.trim() ? target.context.split(/\n{2,}/) : [];
  // The same words the report shows for each candidate (candidate-evidence.ts).
  const feedback = input.feedback.map(feedbackText);
  const dropped = { context: new Set<number>(), feedback: new Set<number>() };

  const render = (): string => {
    const code = input.currentImports?.length
      ? `${input.currentImports.join('\n')}\n\n${currentSource}`
      : currentSource;
    const sections = [
      `## Language\n${info.label}`,
      `## Code to optimize\n\`${target.name}\` in \`${target.path}\` (lines ${target.startLine}–${target.endLine}):\n${fence(code, info.fenceTag)}`,
    ];
    const context = contextParts.filter((_, i) => !dropped.context.has(i));
    if (context.length > 0) {
      const note = dropped.context.size > 0 ? ' (trimmed to fit)' : '';
      sections.push(
        `## Context from the same file (do not repeat it)${note}\n${fence(context.join('\n\n'), info.fenceTag)}`,
      );
    }
    sections.push(
      `## Instruction\n${instructionText[instruction]} Keep its behaviour identical.`,
      `## Current solution\n${metricsLine(currentBenchmark)}`,
      importsSection(input),
    );
    if (input.nearMisses?.length) {
      sections.push(
        '## Near misses of the offline rules\nThese known rewrites almost apply; the reason each does not is a ' +
          `behaviour your version must keep:\n${input.nearMisses.map((miss) => `- ${miss}`).join('\n')}`,
      );
    }
    const kept = feedback.filter((_, i) => !dropped.feedback.has(i));
    if (kept.length > 0) {
      sections.push(
        `## Feedback on earlier attempts\n${kept.map((f) => `- ${f.replace(/\n/g, '\n  ')}`).join('\n')}`,
      );
    }
    sections.push(
      `## Output format\nAnswer with exactly one fenced \`\`\`${info.fenceTag} code block holding the complete replacement ` +
        'for the lines shown (plus any import lines above it): the same function name, the same parameters, the ' +
        'same export and async-ness, and nothing else from the file. If the current solution failed, fix it; ' +
        'otherwise make it better under the instruction.',
    );
    return sections.join('\n\n');
  };

  const maxTokens = input.maxTokens ?? defaultPromptTokens;
  let user = render();
  const trimmable: Trimmable[] = [
    ...contextParts.map((text, index) => ({ kind: 'context' as const, index, text })),
    ...feedback.map((text, index) => ({ kind: 'feedback' as const, index, text })),
  ].sort((a, b) => b.text.length - a.text.length);
  for (const piece of trimmable) {
    if (estimateTokens(system) + estimateTokens(user) <= maxTokens) break;
    dropped[piece.kind].add(piece.index);
    user = render();
  }
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

import type { Target } from '../detect/types.js';
import { fenceFor } from '../fence.js';
import { acceptsWorkload, type WorkloadOutcome, workloadSizes } from '../harness/workload.js';
import { infoFor, pluginFor } from '../languages/index.js';
import type { ChatMessage, ProposalReply, ProposalRequest, TokenUsage } from '../providers/types.js';
import { capabilitiesOf } from './capabilities.js';
import { codeOf } from './extract.js';

/** A harness that can check and time candidates on inputs from the model's generator (replay-harness.ts). */
export interface WorkloadEvaluator {
  addWorkload(source: string): Promise<WorkloadOutcome>;
}

export interface WorkloadResult extends WorkloadOutcome {
  usage: TokenUsage;
}

/** The request for a generator: the paper's and Codeflash's idea of asking the model for a workload. */
export function workloadPrompt(target: Target): ChatMessage[] {
  const { language, signature, returns, plain, label: written } = pluginFor(target.language).generator;
  const label = infoFor(target.language).label;
  const ticks = fenceFor(target.source);
  return [
    {
      role: 'system',
      content:
        'You are a performance engineer. You write input generators that exercise a function at realistic large ' +
        'sizes, with inputs it accepts and handles without error.',
    },
    {
      role: 'user',
      content: [
        `The ${label} function \`${target.name}\` below is timed on the inputs its tests use, which are tiny.`,
        `Write \`${signature}\` in ${written} that returns ${returns} to \`${target.name}\`,`,
        `between 1 and 5 calls, whose inputs have size about n (n = ${workloadSizes.join(', ')}): the sizes where a`,
        `slow algorithm shows. Use only ${plain}; make the inputs deterministic (no randomness without a fixed`,
        'seed) and valid for the function. Import nothing and read or write nothing: the generator only computes.',
        '',
        `${ticks}${infoFor(target.language).fenceTag}\n${target.source}\n${ticks}`,
        '',
        `Answer with one fenced ${language} code block that defines \`${signature.replace(/^(def|function) /, '')}\`.`,
      ].join('\n'),
    },
  ];
}

/** What the generator's code reaches beyond computing (sorted, distinct); empty when it only computes. */
export async function generatorCapabilities(
  code: string,
  language: 'javascript' | 'python',
): Promise<string[]> {
  const used = new Set(await capabilitiesOf(code, language, { context: code }));
  for (const name of pluginFor(language).generator.reach(code)) used.add(name);
  return [...used].sort();
}

/**
 * Asks the model once (through `propose`, which counts the function's model time) for an input generator for the
 * target and hands it to the harness, which runs it in the sandbox and keeps the sizes the original handles.
 * Skipped for members (no receiver to call them on) and generators; a generator that reaches beyond computing
 * (generatorCapabilities) is not run.
 */
export async function requestWorkload(
  target: Target,
  propose: (request: ProposalRequest) => Promise<ProposalReply>,
  evaluator: WorkloadEvaluator,
): Promise<WorkloadResult | undefined> {
  if (!acceptsWorkload(target)) return undefined;
  const none = { inputTokens: 0, outputTokens: 0 };
  const reply = await propose({
    target,
    currentSource: target.source,
    messages: workloadPrompt(target),
    count: 1,
    iteration: 0,
  });
  const usage = reply.usage ?? none;
  const { language } = pluginFor(target.language).generator;
  const answer = reply.answers[0];
  const code = answer === undefined ? undefined : codeOf(answer, infoFor(language).fenceTags);
  if (!code?.trim()) return { kept: [], notes: ['the model answered with no input generator'], usage };
  const used = await generatorCapabilities(code, language);
  if (used.length > 0) {
    return { kept: [], notes: [`the input generator was not run: it uses ${used.join(', ')}`], usage };
  }
  return { ...(await evaluator.addWorkload(code)), usage };
}

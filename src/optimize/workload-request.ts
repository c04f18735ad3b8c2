import type { Target } from '../detect/types.js';
import { fenceFor } from '../fence.js';
import { acceptsWorkload, type WorkloadOutcome, workloadSizes } from '../harness/workload.js';
import type { ChatMessage, ProposalReply, ProposalRequest, TokenUsage } from '../providers/types.js';
import { capabilitiesOf } from './capabilities.js';
import { codeOf } from './extract.js';
import { languageInfo } from './languages.js';

/** A harness that can check and time candidates on inputs from the model's generator (replay-harness.ts). */
export interface WorkloadEvaluator {
  addWorkload(source: string): Promise<WorkloadOutcome>;
}

export interface WorkloadResult extends WorkloadOutcome {
  usage: TokenUsage;
}

function generatorShape(target: Target): { language: 'javascript' | 'python'; signature: string } {
  return target.language === 'python'
    ? { language: 'python', signature: 'def afterburner_inputs(n)' }
    : { language: 'javascript', signature: 'function afterburnerInputs(n)' };
}

/** The request for a generator: the paper's and Codeflash's idea of asking the model for a workload. */
export function workloadPrompt(target: Target): ChatMessage[] {
  const { language, signature } = generatorShape(target);
  const label = languageInfo[target.language].label;
  const ticks = fenceFor(target.source);
  const returns =
    language === 'python'
      ? 'a list of argument tuples, one tuple per call'
      : 'an array of argument arrays, one array per call';
  const plain =
    language === 'python'
      ? 'numbers, strings, bytes, booleans, None, and lists, tuples, dicts and sets of them'
      : 'numbers, strings, booleans, null, and arrays, plain objects, Maps and Sets of them';
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
        `Write \`${signature}\` in ${language === 'python' ? 'Python' : 'plain JavaScript (no types)'} that returns ${returns} to \`${target.name}\`,`,
        `between 1 and 5 calls, whose inputs have size about n (n = ${workloadSizes.join(', ')}): the sizes where a`,
        `slow algorithm shows. Use only ${plain}; make the inputs deterministic (no randomness without a fixed`,
        'seed) and valid for the function. Import nothing and read or write nothing: the generator only computes.',
        '',
        `${ticks}${languageInfo[target.language].fenceTag}\n${target.source}\n${ticks}`,
        '',
        `Answer with one fenced ${language} code block that defines \`${signature.replace(/^(def|function) /, '')}\`.`,
      ].join('\n'),
    },
  ];
}

// A generator only computes: stricter than a candidate, which may use what its original uses. The names below reach
// modules, the process, the global object or code loading; Python may import a few pure computing modules.
const jsReach = /\b(require|import|process|globalThis|global|eval|Function|module|exports|Deno|Bun)\b/g;
const pyReach =
  /\b(open|exec|eval|compile|__import__|globals|locals|vars|getattr|setattr|delattr|__builtins__|__subclasses__|__globals__|breakpoint|input)\b/g;
const pyImport = /^\s*(?:from\s+([\w.]+)\s+import\b|import\s+([\w.,\s]+))/gm;
const pyPureModules = new Set([
  'random',
  'math',
  'string',
  'itertools',
  'collections',
  'functools',
  'operator',
]);

/** What the generator's code reaches beyond computing (sorted, distinct); empty when it only computes. */
export async function generatorCapabilities(
  code: string,
  language: 'javascript' | 'python',
): Promise<string[]> {
  const used = new Set(await capabilitiesOf(code, language, { context: code }));
  if (language === 'javascript') {
    for (const [name] of code.matchAll(jsReach)) used.add(name);
  } else {
    for (const [name] of code.matchAll(pyReach)) used.add(name);
    for (const match of code.matchAll(pyImport)) {
      const modules = (match[1] ?? match[2] ?? '').split(',').map((m) => m.trim().split(/\s+/)[0] ?? '');
      for (const module of modules)
        if (!pyPureModules.has(module.split('.')[0] ?? '')) used.add(`import ${module}`);
    }
  }
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
  const { language } = generatorShape(target);
  const answer = reply.answers[0];
  const code = answer === undefined ? undefined : codeOf(answer, languageInfo[language].fenceTags);
  if (!code?.trim()) return { kept: [], notes: ['the model answered with no input generator'], usage };
  const used = await generatorCapabilities(code, language);
  if (used.length > 0) {
    return { kept: [], notes: [`the input generator was not run: it uses ${used.join(', ')}`], usage };
  }
  return { ...(await evaluator.addWorkload(code)), usage };
}

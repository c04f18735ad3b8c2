import type { Target } from '../detect/types.js';
import type { Benchmark, Evaluation, Evaluator } from '../harness/types.js';
import type { Provider, TokenUsage } from '../providers/types.js';
import { extractCandidate } from './extract.js';
import { buildPrompt } from './prompt.js';

export type AttemptStatus = 'verified' | 'rejected' | 'format-error' | 'duplicate';

export interface Attempt {
  iteration: number;
  candidate: number;
  status: AttemptStatus;
  /** Why it was not kept; for verified ones, why it did not replace the best (if it did not). */
  reason?: string;
  speedup?: number;
}

export interface BestCandidate {
  source: string;
  iteration: number;
  evaluation: Extract<Evaluation, { status: 'verified' }>;
}

export interface OptimizeResult {
  target: Target;
  best?: BestCandidate;
  attempts: Attempt[];
  usage: TokenUsage;
  /** Why no suggestion came out, when none did. */
  outcome: string;
}

export interface OptimizeOptions {
  target: Target;
  provider: Provider;
  evaluator: Evaluator;
  iterations: number;
  candidates: number;
  onAttempt?: (attempt: Attempt) => void;
}

// The paper's loop stops improving once a model stalls; two empty iterations in a row means stop paying.
const maxIdleIterations = 2;

function summarizeRejections(attempts: Attempt[]): string {
  const reasons = attempts.filter((a) => a.status !== 'verified' && a.reason).map((a) => a.reason as string);
  if (reasons.length === 0) return 'no candidate was verified faster';
  const first = reasons[0]?.split('\n')[0] ?? '';
  return `no candidate was verified faster (${attempts.length} tried; e.g. ${first})`;
}

/** The Afterburner loop: propose, evaluate, keep the best verified candidate, feed failures back. */
export async function optimizeTarget(options: OptimizeOptions): Promise<OptimizeResult> {
  const { target, provider, evaluator } = options;
  const attempts: Attempt[] = [];
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const feedback: string[] = [];
  const seen = new Set<string>([target.source]);
  let best: BestCandidate | undefined;
  let idle = 0;

  const record = (attempt: Attempt) => {
    attempts.push(attempt);
    options.onAttempt?.(attempt);
  };

  for (let iteration = 1; iteration <= options.iterations && idle < maxIdleIterations; iteration++) {
    const currentSource = best?.source ?? target.source;
    const currentBenchmark: Benchmark | undefined = best?.evaluation.benchmark;
    const messages = buildPrompt({ target, currentSource, currentBenchmark, feedback });
    let answers: string[];
    try {
      const reply = await provider.propose({
        target,
        currentSource,
        messages,
        count: options.candidates,
        iteration,
      });
      usage.inputTokens += reply.usage.inputTokens;
      usage.outputTokens += reply.usage.outputTokens;
      answers = reply.answers;
    } catch (error) {
      const reason = `provider error: ${error instanceof Error ? error.message : String(error)}`;
      return { target, best, attempts, usage, outcome: best ? 'improved' : reason };
    }
    if (answers.length === 0) {
      if (iteration === 1)
        return { target, attempts, usage, outcome: `${provider.name} proposed no rewrite` };
      break;
    }

    let improved = false;
    for (const [index, answer] of answers.entries()) {
      const candidate = index + 1;
      const extraction = await extractCandidate(answer, target);
      if (!extraction.ok) {
        record({ iteration, candidate, status: 'format-error', reason: extraction.reason });
        feedback.push(`Iteration ${iteration}, candidate ${candidate}: ${extraction.reason}`);
        continue;
      }
      if (seen.has(extraction.source)) {
        record({ iteration, candidate, status: 'duplicate', reason: 'same code as an earlier candidate' });
        continue;
      }
      seen.add(extraction.source);
      const evaluation = await evaluator.evaluate({ source: extraction.source, imports: [] });
      if (evaluation.status === 'rejected') {
        const speedup = evaluation.benchmark?.estimate.speedup;
        record({ iteration, candidate, status: 'rejected', reason: evaluation.reason, speedup });
        feedback.push(`Iteration ${iteration}, candidate ${candidate} was rejected: ${evaluation.reason}`);
        continue;
      }
      const speedup = evaluation.benchmark.estimate.speedup;
      if (!best || speedup > best.evaluation.benchmark.estimate.speedup) {
        best = { source: extraction.source, iteration, evaluation };
        improved = true;
        record({ iteration, candidate, status: 'verified', speedup });
      } else {
        const reason = `verified but not better than the best so far (${speedup.toFixed(2)}×)`;
        record({ iteration, candidate, status: 'verified', speedup, reason });
      }
    }
    idle = improved ? 0 : idle + 1;
  }
  return { target, best, attempts, usage, outcome: best ? 'improved' : summarizeRejections(attempts) };
}

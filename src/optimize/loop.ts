import type { CachedOutcome, ResultCache } from '../cache/index.js';
import type { Target } from '../detect/types.js';
import { headlineEstimate } from '../harness/scaled-benchmark.js';
import type { Benchmark, Evaluation, Evaluator, TestEvidence } from '../harness/types.js';
import type { ProposalReply, ProposalRequest, Provider, TokenUsage } from '../providers/types.js';
import { BudgetExhaustedError } from '../providers/usage-meter.js';
import type { CandidateMetrics, TrajectoryCandidate, TrajectorySink } from '../trajectory/types.js';
import type { ProjectDependencies } from './dependencies.js';
import { extractCandidate } from './extract.js';
import { type Instruction, metricOf } from './metric.js';
import { buildPrompt, estimateTokens } from './prompt.js';

export type AttemptStatus = 'verified' | 'rejected' | 'format-error' | 'duplicate';

export interface Attempt {
  /** 0 is the offline rule catalog asked before the model. */
  iteration: number;
  candidate: number;
  status: AttemptStatus;
  /** Why it was not kept; for verified ones, why it did not replace the best (if it did not). */
  reason?: string;
  speedup?: number;
}

export interface BestCandidate {
  /** The answer the candidate was extracted from (what the cache keeps, to check it again next time). */
  answer: string;
  source: string;
  imports: string[];
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
  /** The run's token budget ran out during this target; later targets should not start. */
  budgetExhausted?: boolean;
  /** Served from the result cache: no request was made. */
  fromCache?: boolean;
  /** Why the loop stopped before its end (provider error, budget); such results are not cached. */
  interrupted?: string;
}

export interface OptimizeOptions {
  target: Target;
  provider: Provider;
  evaluator: Evaluator;
  iterations: number;
  candidates: number;
  instruction?: Instruction;
  /** Asked once before the model (iteration 0): the offline catalog, free and often enough. */
  seedProvider?: Provider;
  /** Dependencies candidates may import; anything else is a "new dependency" format error. */
  dependencies?: ProjectDependencies;
  maxPromptTokens?: number;
  /** Where finished outcomes are kept, under the key of this target + config + provider + tests and calls. */
  cache?: { store: ResultCache; key: string; evidence: TestEvidence };
  trajectory?: { sink: TrajectorySink; runId: string };
  onAttempt?: (attempt: Attempt) => void;
  /** Wall time this target may spend waiting for `provider` over all iterations; unbounded when absent. */
  modelTimeMs?: number;
}

// The paper's loop stops improving once a model stalls; two empty iterations in a row means stop paying.
const maxIdleIterations = 2;
// Test output in feedback helps the model fix its code, but a long log only costs tokens.
const maxFeedbackChars = 1500;

function clip(text: string): string {
  return text.length <= maxFeedbackChars ? text : `${text.slice(0, maxFeedbackChars)}\n… (truncated)`;
}

function summarizeRejections(attempts: Attempt[]): string {
  const reasons = attempts.filter((a) => a.status !== 'verified' && a.reason).map((a) => a.reason as string);
  if (reasons.length === 0) return 'no candidate was verified faster';
  const first = reasons[0]?.split('\n')[0] ?? '';
  return `no candidate was verified faster (${attempts.length} tried; e.g. ${first})`;
}

function metricsOf(benchmark: Benchmark | undefined): CandidateMetrics | undefined {
  if (!benchmark) return undefined;
  const { speedup, low, high } = headlineEstimate(benchmark);
  return {
    speedup,
    low,
    high,
    originalMedianNs: benchmark.originalMedianNs,
    candidateMedianNs: benchmark.candidateMedianNs,
    verdict: benchmark.verdict,
  };
}

/** The target's model time is spent: the loop stops with this reason and later targets still run. */
export class ModelTimeExceededError extends Error {
  constructor(limitMs: number) {
    super(`model time limit reached: this function waited ${formatSeconds(limitMs)} for the model`);
    this.name = 'ModelTimeExceededError';
  }
}

const formatSeconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/**
 * Asks `source` within `remainingMs`: past it the request is aborted and the promise rejects at once, whether or
 * not the provider honours the signal.
 */
async function proposeWithin(
  source: Provider,
  request: ProposalRequest,
  remainingMs: number,
  limitMs: number,
): Promise<ProposalReply> {
  if (remainingMs <= 0) throw new ModelTimeExceededError(limitMs);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ModelTimeExceededError(limitMs));
    }, remainingMs);
  });
  const reply = source.propose({ ...request, signal: controller.signal });
  // Once the limit won the race, the aborted request's own rejection has no one left to hear it.
  reply.catch(() => {});
  try {
    return await Promise.race([reply, expired]);
  } finally {
    clearTimeout(timer);
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The Afterburner loop: propose, evaluate, keep the best verified candidate, feed failures back. */
export async function optimizeTarget(options: OptimizeOptions): Promise<OptimizeResult> {
  const { cache } = options;
  const cached = cache ? await cache.store.get(cache.key, cache.evidence) : undefined;
  if (cached) {
    const fromCache = await replayCached(options, cached);
    if (fromCache) return fromCache;
  }
  const result = await runLoop(options);
  // The rule catalog's verdicts cost nothing to reach again, so a negative one is never kept: it would only
  // outlive the reason for it.
  const free = options.provider.name === 'rules';
  if (cache && !result.interrupted && (result.best || !free)) {
    await cache.store
      .set({
        schemaVersion: 2,
        key: cache.key,
        targetId: options.target.id,
        createdAt: new Date().toISOString(),
        evidence: cache.evidence,
        best: result.best && { answer: result.best.answer, iteration: result.best.iteration },
        outcome: result.outcome,
        usage: result.usage,
      })
      // A cache that cannot be written costs the next run time, not this run its result.
      .catch(() => {});
  }
  return result;
}

/**
 * A cached outcome costs no tokens, but is trusted no more than a fresh answer: its best answer goes through the
 * same extraction checks and the full verification again (never suggested on old numbers); if either fails now,
 * the loop runs afresh.
 */
async function replayCached(
  options: OptimizeOptions,
  cached: CachedOutcome,
): Promise<OptimizeResult | undefined> {
  const { target } = options;
  const usage = { inputTokens: 0, outputTokens: 0 };
  if (!cached.best) {
    return { target, attempts: [], usage, outcome: `${cached.outcome} (cached result)`, fromCache: true };
  }
  const { answer, iteration } = cached.best;
  const extraction = await extractCandidate(answer, target, { dependencies: options.dependencies });
  if (!extraction.ok) return undefined;
  const candidate = { source: extraction.source, imports: extraction.imports };
  const evaluation = await options.evaluator.evaluate(candidate).catch(() => undefined);
  if (evaluation?.status !== 'verified') return undefined;
  const attempt: Attempt = {
    iteration,
    candidate: 0,
    status: 'verified',
    reason: 'cached candidate, verified again',
    speedup: headlineEstimate(evaluation.benchmark).speedup,
  };
  options.onAttempt?.(attempt);
  return {
    target,
    best: { answer, ...candidate, iteration, evaluation },
    attempts: [attempt],
    usage,
    outcome: 'improved',
    fromCache: true,
  };
}

async function runLoop(options: OptimizeOptions): Promise<OptimizeResult> {
  const { target, provider, evaluator } = options;
  const instruction = options.instruction ?? 'time';
  const attempts: Attempt[] = [];
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const feedback: string[] = [];
  const seen = new Set<string>([target.source]);
  let best: BestCandidate | undefined;
  let modelWaitMs = 0;

  const record = (attempt: Attempt) => {
    attempts.push(attempt);
    options.onAttempt?.(attempt);
  };
  const gainOf = (benchmark: Benchmark) => metricOf(benchmark, instruction);

  /** Evaluates one group of answers; true when one of them became the new best. */
  async function evaluateGroup(iteration: number, answers: string[]): Promise<TrajectoryCandidate[]> {
    const logged: TrajectoryCandidate[] = [];
    for (const [index, answer] of answers.entries()) {
      const candidate = index + 1;
      const entry: TrajectoryCandidate = {
        index: candidate,
        answer,
        status: 'format-error',
        passed: false,
        kept: false,
      };
      logged.push(entry);
      const extraction = await extractCandidate(answer, target, { dependencies: options.dependencies });
      if (!extraction.ok) {
        Object.assign(entry, { stage: 'format', reason: extraction.reason });
        record({ iteration, candidate, status: 'format-error', reason: extraction.reason });
        feedback.push(`Iteration ${iteration}, candidate ${candidate}: ${extraction.reason}`);
        continue;
      }
      const identity = `${extraction.imports.join('\n')}\n${extraction.source}`;
      if (seen.has(identity) || (extraction.imports.length === 0 && seen.has(extraction.source))) {
        entry.status = 'duplicate';
        record({ iteration, candidate, status: 'duplicate', reason: 'same code as an earlier candidate' });
        continue;
      }
      seen.add(identity);
      let evaluation: Evaluation;
      try {
        evaluation = await evaluator.evaluate({ source: extraction.source, imports: extraction.imports });
      } catch (error) {
        // A harness failure on one candidate costs that candidate, not the target.
        evaluation = { status: 'rejected', stage: 'benchmark', reason: `harness error: ${errorText(error)}` };
      }
      if (evaluation.status === 'rejected') {
        const speedup = evaluation.benchmark && headlineEstimate(evaluation.benchmark).speedup;
        Object.assign(entry, {
          status: 'rejected',
          stage: evaluation.stage,
          reason: evaluation.reason,
          passed: ['not-faster', 'regression', 'asymptotically-worse', 'benchmark'].includes(
            evaluation.stage,
          ),
          metrics: metricsOf(evaluation.benchmark),
        });
        record({ iteration, candidate, status: 'rejected', reason: evaluation.reason, speedup });
        feedback.push(
          `Iteration ${iteration}, candidate ${candidate} was rejected (${evaluation.stage}): ${clip(evaluation.reason)}`,
        );
        continue;
      }
      Object.assign(entry, { status: 'verified', passed: true, metrics: metricsOf(evaluation.benchmark) });
      const gain = gainOf(evaluation.benchmark);
      const bestGain = best && gainOf(best.evaluation.benchmark);
      const speedup = headlineEstimate(evaluation.benchmark).speedup;
      if (!gain) {
        const reason = `verified, but the harness does not measure ${instruction}`;
        record({ iteration, candidate, status: 'verified', speedup, reason });
        continue;
      }
      // Significant against the best so far: the new interval's lower bound must clear the best's estimate.
      if (!best || !bestGain || gain.low > bestGain.ratio) {
        best = { answer, source: extraction.source, imports: extraction.imports, iteration, evaluation };
        entry.kept = true;
        record({ iteration, candidate, status: 'verified', speedup });
      } else {
        const reason =
          `verified (${gain.ratio.toFixed(2)}×, 95% CI ${gain.low.toFixed(2)}–${gain.high.toFixed(2)}×) but not ` +
          `significantly better than the best so far (${bestGain.ratio.toFixed(2)}×)`;
        record({ iteration, candidate, status: 'verified', speedup, reason });
        feedback.push(`Iteration ${iteration}, candidate ${candidate} was ${reason}`);
      }
    }
    return logged;
  }

  async function iterate(
    iteration: number,
    source: Provider,
  ): Promise<{ answers: number; improved: boolean }> {
    const currentSource = best?.source ?? target.source;
    const currentBenchmark = best?.evaluation.benchmark;
    const messages = buildPrompt({
      target,
      currentSource,
      currentImports: best?.imports,
      currentBenchmark,
      feedback,
      instruction,
      dependencies: options.dependencies,
      maxTokens: options.maxPromptTokens,
    });
    const request: ProposalRequest = {
      target,
      currentSource,
      messages,
      count: options.candidates,
      iteration,
    };
    const limitMs = options.modelTimeMs;
    let reply: ProposalReply;
    if (source === provider && limitMs !== undefined) {
      const started = performance.now();
      try {
        reply = await proposeWithin(source, request, limitMs - modelWaitMs, limitMs);
      } finally {
        modelWaitMs += performance.now() - started;
      }
    } else {
      reply = await source.propose(request);
    }
    usage.inputTokens += reply.usage.inputTokens;
    usage.outputTokens += reply.usage.outputTokens;
    const bestBefore = best;
    const candidates = await evaluateGroup(iteration, reply.answers);
    if (options.trajectory && reply.answers.length > 0) {
      const promptText = messages.map((m) => m.content).join('\n');
      await options.trajectory.sink.record({
        schemaVersion: 1,
        runId: options.trajectory.runId,
        time: new Date().toISOString(),
        targetId: target.id,
        path: target.path,
        name: target.name,
        language: target.language,
        instruction,
        iteration,
        provider: source.name,
        model: source.model,
        messages,
        promptChars: promptText.length,
        promptTokensEstimate: estimateTokens(promptText),
        usage: reply.usage,
        current: metricsOf(currentBenchmark),
        candidates,
      });
    }
    return { answers: reply.answers.length, improved: best !== bestBefore };
  }

  const finish = (outcome?: string, extra: Partial<OptimizeResult> = {}): OptimizeResult => ({
    target,
    best,
    attempts,
    usage,
    outcome: best ? 'improved' : (outcome ?? summarizeRejections(attempts)),
    ...extra,
  });

  if (options.seedProvider) {
    try {
      await iterate(0, options.seedProvider);
    } catch (error) {
      feedback.push(`The offline rule catalog failed: ${errorText(error)}`);
    }
  }
  let idle = 0;
  for (let iteration = 1; iteration <= options.iterations && idle < maxIdleIterations; iteration++) {
    let step: { answers: number; improved: boolean };
    try {
      step = await iterate(iteration, provider);
    } catch (error) {
      if (error instanceof BudgetExhaustedError) {
        return finish(error.message, { budgetExhausted: true, interrupted: error.message });
      }
      if (error instanceof ModelTimeExceededError)
        return finish(error.message, { interrupted: error.message });
      const reason = `provider error: ${errorText(error)}`;
      return finish(reason, { interrupted: reason });
    }
    if (step.answers === 0) {
      if (iteration === 1 && attempts.length === 0) return finish(`${provider.name} proposed no rewrite`);
      break;
    }
    idle = step.improved ? 0 : idle + 1;
  }
  return finish();
}

/** The best verified speedup reached by the end of each iteration (the loop's progress, for charts). */
export function bestPerIteration(attempts: readonly Attempt[]): { iteration: number; bestSpeedup: number }[] {
  const iterations = [...new Set(attempts.map((a) => a.iteration))].sort((a, b) => a - b);
  let best = 1;
  return iterations.map((iteration) => {
    for (const a of attempts) {
      if (a.iteration === iteration && a.status === 'verified' && a.speedup !== undefined)
        best = Math.max(best, a.speedup);
    }
    return { iteration, bestSpeedup: best };
  });
}

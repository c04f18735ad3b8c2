import { headlineEstimate } from '../harness/scaled-benchmark.js';
import { type Benchmark, type Evaluation, stagesAfterCorrectness } from '../harness/types.js';
import type { WorkloadOutcome } from '../harness/workload.js';
import type { ProposalReply, ProposalRequest, Provider, TokenUsage } from '../providers/types.js';
import { BudgetExhaustedError } from '../providers/usage-meter.js';
import type { TrajectoryCandidate } from '../trajectory/types.js';
import {
  type CandidateEvidence,
  evidenceOfEvaluation,
  intervalText,
  maxReasonChars,
  providerLabel,
  reasonOneLine,
  verdictCounts,
} from './candidate-evidence.js';
import { extractCandidate } from './extract.js';
import { metricsOf, recordIteration } from './loop-trajectory.js';
import type { Attempt, BestCandidate, OptimizeOptions, OptimizeResult } from './loop-types.js';
import { metricOf } from './metric.js';
import { ModelTimeExceededError, proposeWithin } from './model-time.js';
import { buildPrompt } from './prompt.js';
import { replayCached } from './replay-cached.js';
import { requestWorkload } from './workload-request.js';

export { ModelTimeExceededError } from './model-time.js';

// The paper's loop stops improving once a model stalls; two empty iterations in a row means stop paying.
const maxIdleIterations = 2;
/** The counts by verdict and, in full, the first rejection (every candidate's is in the report's list). */
function summarizeRejections(attempts: Attempt[]): string {
  const tried = attempts.filter((a) => a.verdict !== 'model-error');
  if (tried.length === 0) return 'no candidate was verified faster';
  const first = tried.find((a) => a.status !== 'verified');
  const example = first ? `; e.g. ${reasonOneLine(first)}` : '';
  return `no candidate was verified faster (${verdictCounts(tried)}${example})`;
}

/** What produced each answer of a reply: the provider's own label (rule ids), else the provider. */
function sourceOf(reply: ProposalReply, index: number, provider: Provider): string {
  return reply.sources?.[index] ?? providerLabel(provider);
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
const bounded = (text: string) =>
  text.length <= maxReasonChars ? text : `${text.slice(0, maxReasonChars)}…`;

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

async function runLoop(options: OptimizeOptions): Promise<OptimizeResult> {
  const { target, provider, evaluator } = options;
  const instruction = options.instruction ?? 'time';
  const attempts: Attempt[] = [];
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const feedback: CandidateEvidence[] = [];
  const seen = new Set<string>([target.source]);
  let best: BestCandidate | undefined;
  let modelWaitMs = 0;
  let workload: WorkloadOutcome | undefined;

  const record = (attempt: Attempt) => {
    attempts.push(attempt);
    options.onAttempt?.(attempt);
  };
  const gainOf = (benchmark: Benchmark) => metricOf(benchmark, instruction);

  /** Keeps the candidate's evidence; `tell`: the model also reads it in the next prompt. */
  const note = (attempt: Attempt, tell = true) => {
    record(attempt);
    if (tell) feedback.push(evidenceOf(attempt));
  };

  /** Evaluates one group of answers, each produced by `sources[i]`; returns them for the trajectory log. */
  async function evaluateGroup(
    iteration: number,
    answers: string[],
    sources: string[],
  ): Promise<TrajectoryCandidate[]> {
    const logged: TrajectoryCandidate[] = [];
    for (const [index, answer] of answers.entries()) {
      const candidate = index + 1;
      const base = { iteration, candidate, source: sources[index] ?? 'unknown' };
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
        const { check, reason } = extraction;
        note({ ...base, status: 'format-error', verdict: 'not-run', check, reason });
        continue;
      }
      const identity = `${extraction.imports.join('\n')}\n${extraction.source}`;
      if (seen.has(identity) || (extraction.imports.length === 0 && seen.has(extraction.source))) {
        entry.status = 'duplicate';
        const reason = 'same code as an earlier candidate';
        note({ ...base, status: 'duplicate', verdict: 'not-run', check: 'duplicate', reason }, false);
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
      const evidence = { ...base, ...evidenceOfEvaluation(evaluation) };
      if (evaluation.status === 'rejected') {
        const speedup = evaluation.benchmark && headlineEstimate(evaluation.benchmark).speedup;
        Object.assign(entry, {
          status: 'rejected',
          stage: evaluation.stage,
          reason: evaluation.reason,
          passed: stagesAfterCorrectness.includes(evaluation.stage),
          metrics: metricsOf(evaluation.benchmark),
        });
        note({ ...evidence, status: 'rejected', speedup });
        continue;
      }
      Object.assign(entry, { status: 'verified', passed: true, metrics: metricsOf(evaluation.benchmark) });
      const gain = gainOf(evaluation.benchmark);
      const bestGain = best && gainOf(best.evaluation.benchmark);
      const verified = {
        ...evidence,
        status: 'verified' as const,
        speedup: headlineEstimate(evaluation.benchmark).speedup,
      };
      if (!gain) {
        note({ ...verified, reason: `verified, but the harness does not measure ${instruction}` }, false);
        continue;
      }
      // Significant against the best so far: the new interval's lower bound must clear the best's estimate.
      if (!best || !bestGain || gain.low > bestGain.ratio) {
        best = {
          answer,
          source: extraction.source,
          imports: extraction.imports,
          iteration,
          producedBy: base.source,
          evaluation,
        };
        entry.kept = true;
        note({ ...verified, kept: true }, false);
      } else {
        const measured = { speedup: gain.ratio, low: gain.low, high: gain.high, confidence: 0.95 };
        const reason =
          `not significantly better than the best so far (${bestGain.ratio.toFixed(2)}×): its ${instruction} ` +
          `gain is ${intervalText(measured)}`;
        note({ ...verified, reason });
      }
    }
    return logged;
  }

  /** A request to the provider, counted against the function's model time when that is limited. */
  async function askModel(request: ProposalRequest): Promise<ProposalReply> {
    const limitMs = options.modelTimeMs;
    if (limitMs === undefined) return provider.propose(request);
    const started = performance.now();
    try {
      return await proposeWithin(provider, request, limitMs - modelWaitMs, limitMs);
    } finally {
      modelWaitMs += performance.now() - started;
    }
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
      nearMisses: options.nearMisses,
    });
    const request: ProposalRequest = {
      target,
      currentSource,
      messages,
      count: options.candidates,
      iteration,
    };
    const reply = source === provider ? await askModel(request) : await source.propose(request);
    usage.inputTokens += reply.usage.inputTokens;
    usage.outputTokens += reply.usage.outputTokens;
    const bestBefore = best;
    const sources = reply.answers.map((_, index) => sourceOf(reply, index, source));
    const candidates = await evaluateGroup(iteration, reply.answers, sources);
    if (options.trajectory && reply.answers.length > 0) {
      await recordIteration(options.trajectory, {
        target,
        instruction,
        iteration,
        source,
        messages,
        usage: reply.usage,
        currentBenchmark,
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
    ...(workload ? { workload } : {}),
    ...extra,
  });

  /** A request that failed, kept as evidence: the iteration ran and produced no candidate. */
  const modelError = (iteration: number, source: Provider, reason: string, tell: boolean) =>
    note(
      {
        iteration,
        candidate: 0,
        source: providerLabel(source),
        status: 'model-error',
        verdict: 'model-error',
        reason,
      },
      tell,
    );

  if (options.workload) {
    try {
      const generated = await requestWorkload(target, askModel, options.workload);
      if (generated) {
        usage.inputTokens += generated.usage.inputTokens;
        usage.outputTokens += generated.usage.outputTokens;
        workload = { kept: generated.kept, notes: generated.notes };
      }
    } catch (error) {
      if (error instanceof BudgetExhaustedError) {
        return finish(error.message, { budgetExhausted: true, interrupted: error.message });
      }
      // Without generated inputs the candidates are still timed on the recorded (and grown) ones.
      workload = { kept: [], notes: [bounded(`the input generator request failed: ${errorText(error)}`)] };
    }
  }
  if (options.seedProvider) {
    try {
      await iterate(0, options.seedProvider);
    } catch (error) {
      modelError(0, options.seedProvider, `the offline rule catalog failed: ${errorText(error)}`, true);
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
      const reason =
        error instanceof ModelTimeExceededError ? error.message : `provider error: ${errorText(error)}`;
      modelError(iteration, provider, bounded(reason), false);
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

/** The evidence of an attempt as reports keep it (without the loop's own bookkeeping). */
export function evidenceOf({ status: _status, speedup: _speedup, ...evidence }: Attempt): CandidateEvidence {
  return evidence;
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

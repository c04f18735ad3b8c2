import type { CachedOutcome } from '../cache/index.js';
import { headlineEstimate } from '../harness/scaled-benchmark.js';
import { evidenceOfEvaluation, providerLabel } from './candidate-evidence.js';
import { extractCandidate } from './extract.js';
import type { Attempt, OptimizeOptions, OptimizeResult } from './loop-types.js';

/**
 * A cached outcome costs no tokens, but is trusted no more than a fresh answer: its best answer goes through the
 * same extraction checks and the full verification again (never suggested on old numbers); if either fails now,
 * the loop runs afresh.
 */
export async function replayCached(
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
    source: `${providerLabel(options.provider)} (cached answer)`,
    status: 'verified',
    ...evidenceOfEvaluation(evaluation),
    kept: true,
    reason: 'cached candidate, verified again',
    speedup: headlineEstimate(evaluation.benchmark).speedup,
  };
  options.onAttempt?.(attempt);
  return {
    target,
    best: { answer, ...candidate, iteration, producedBy: attempt.source, evaluation },
    attempts: [attempt],
    usage,
    outcome: 'improved',
    fromCache: true,
  };
}

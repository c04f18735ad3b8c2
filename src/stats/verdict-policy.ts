/**
 * The one verdict policy: whether a verified-correct candidate is suggested. Documented in the README
 * ("What 'verified' means"); every other file asks this one.
 *
 * Measured: the tests' own inputs (the recorded calls) and, when the calls could be grown, the same calls scaled
 * ×10, ×100, ×1000, and inputs of growing n from the model's input generator when one was kept (each a `SampleComparison`: paired bootstrap interval of the speedup + signed-rank test,
 * threshold = max(1 + min speedup, that scale's A/A noise floor)), plus each version's fitted complexity.
 *
 * A candidate is suggested when, in this order:
 * 1. it is not asymptotically worse: its fitted exponent is at most `maxExponentIncrease` (0.25) above the
 *    original's. However fast it is on small inputs, ~n² against ~n loses where the code runs;
 * 2. it is not significantly slower on the tests' own inputs: a regression there beyond `maxRegression` (5%:
 *    the point estimate below 1/1.05 with the interval wholly below 1 and the rank test agreeing) blocks it;
 * 3. it is not significantly slower on any of the repository's own benchmarks that reach it (same 5% bound);
 * 4. it is faster at the largest measured scale (the largest n, grown or generated): that comparison's verdict is
 *    "faster" (interval lower bound clears the threshold, rank test agrees). Without scaled inputs, the largest
 *    scale is the tests' own inputs. Or it is faster on one of the repository's own benchmarks (the maintainers'
 *    own measure of the code, at the sizes they care about) and not significantly slower at the largest scale.
 *
 * Under `--instruction memory` or `integral` (the paper's other two objectives), rules 1–3 stand (time still may
 * not grow asymptotically or regress beyond 5% on the tests' own inputs), time at the largest scale may not regress
 * beyond the same 5% either, and rule 4 asks for that per-call metric instead: lower at the largest scale where
 * memory was measured (interval lower bound of original / candidate clears the threshold, rank test agreeing).
 * Repository benchmarks time code, so they only guard against regressions there. Under `time`, memory is reported
 * with its interval but does not block: trading memory for time is the instruction's point.
 *
 * Under `--measure instructions` the comparison on the tests' own inputs is of callgrind's instruction counts
 * (harness/instruction-counts.ts) instead of wall time; the rules are the same.
 */
import type { SpeedupEstimate } from './compare.js';
import type { SampleComparison } from './compare-samples.js';
import { type ComplexityFit, complexityLabel } from './complexity.js';

export const verdictPolicy = {
  /** A slowdown on the tests' own inputs larger than this (and significant) blocks a suggestion. */
  maxRegression: 0.05,
  /** A candidate whose fitted exponent exceeds the original's by more than this is never suggested. */
  maxExponentIncrease: 0.25,
} as const;

/** The per-call memory metrics (see harness/types.ts PerCallMemory): peak bytes, and peak × time. */
export type MemoryMetric = 'peak' | 'integral';

export type MemoryComparisons = Record<MemoryMetric, SampleComparison>;

export interface MeasuredScale {
  /** How much the recorded inputs were grown (10, 100, 1000); for model-generated inputs, the generator's n. */
  factor: number;
  /** `model`: inputs the model's input generator made; absent: grown from the recorded calls. */
  source?: 'model';
  /** Input size at this scale (the largest grown collection of the calls). */
  n: number;
  comparison: SampleComparison;
  /** Per-call memory at this scale, when it was measured. */
  memory?: MemoryComparisons;
}

/** One task of the repository's own benchmarks, compared over interleaved whole runs (repo-benchmarks.ts). */
export interface RepositoryComparison {
  /** `file › task`. */
  name: string;
  comparison: SampleComparison;
}

export interface PolicyInput {
  /** The comparison on the tests' own inputs. */
  own: SampleComparison;
  /** Comparisons on scaled inputs, any order; empty when no call could be grown. */
  scales: readonly MeasuredScale[];
  complexity?: { original?: ComplexityFit; candidate?: ComplexityFit };
  /** The repository's own benchmarks that reach the target, when any ran. */
  repository?: readonly RepositoryComparison[];
  /** Per-call memory on the tests' own inputs, when it was measured. */
  ownMemory?: MemoryComparisons;
  /** What rule 4 asks to be better: time (absent) or a per-call memory metric. */
  objective?: MemoryMetric;
}

export type PolicyOutcome = 'suggest' | 'not-faster' | 'regression' | 'asymptotically-worse';

export interface PolicyDecision {
  outcome: PolicyOutcome;
  /** The comparison the decision rests on: the largest scale, or the tests' own inputs when none was grown. */
  basis: {
    factor: number;
    n?: number;
    source?: 'model';
    benchmark?: string;
    /** Set when the decision rests on a memory metric (the objective), not on time. */
    metric?: MemoryMetric;
    estimate: SpeedupEstimate;
  };
  /** One line with the evidence, for reports and the model's feedback. */
  reason: string;
}

function where(scale: MeasuredScale | undefined): string {
  if (!scale) return "the tests' own inputs";
  return scale.source === 'model'
    ? `n = ${scale.n} (inputs from the model's generator)`
    : `n = ${scale.n} (scaled ×${scale.factor} from recorded calls)`;
}

function fitText(fit: ComplexityFit): string {
  return `${complexityLabel(fit.exponent)} (${fit.exponent.toFixed(2)})`;
}

/** A regression beyond `maxRegression`, significant by both the interval and the rank test. */
function significantlySlower(c: SampleComparison): boolean {
  return c.verdict === 'slower' && c.estimate.speedup < 1 / (1 + verdictPolicy.maxRegression);
}

/** The policy above, applied. */
export function decideVerdict(input: PolicyInput): PolicyDecision {
  const largest = [...input.scales].sort((a, b) => a.n - b.n || a.factor - b.factor).at(-1);
  const decisive = largest?.comparison ?? input.own;
  const basis = {
    factor: largest?.factor ?? 1,
    n: largest?.n,
    ...(largest?.source ? { source: largest.source } : {}),
    estimate: decisive.estimate,
  };
  const speedupAt = `${decisive.estimate.speedup.toFixed(2)}× at ${where(largest)}`;

  const { original, candidate } = input.complexity ?? {};
  if (original && candidate && candidate.exponent > original.exponent + verdictPolicy.maxExponentIncrease) {
    const sizes = candidate.sizes;
    return {
      outcome: 'asymptotically-worse',
      basis,
      reason:
        `asymptotically worse: ${fitText(candidate)} against the original's ${fitText(original)} ` +
        `(log-log fit over n = ${sizes[0]}–${sizes.at(-1)}); ${speedupAt}`,
    };
  }

  const own = input.own;
  if (significantlySlower(own)) {
    return {
      outcome: 'regression',
      basis,
      reason: `slower on the tests' own inputs by more than ${verdictPolicy.maxRegression * 100}%: ${own.reason}`,
    };
  }

  const repository = input.repository ?? [];
  const slowerThere = repository.find((r) => significantlySlower(r.comparison));
  if (slowerThere) {
    return {
      outcome: 'regression',
      basis,
      reason:
        `slower on the repository's benchmark ${slowerThere.name} by more than ${verdictPolicy.maxRegression * 100}%: ` +
        slowerThere.comparison.reason,
    };
  }

  if (input.objective) return decideByMemory(input, input.objective, largest);

  if (decisive.verdict !== 'faster') {
    const best = repository
      .filter((r) => r.comparison.verdict === 'faster')
      .sort((a, b) => b.comparison.estimate.low - a.comparison.estimate.low)[0];
    // Slower at a grown scale contradicts the benchmark; slower on the tests' own inputs is bounded by rule 2.
    if (best && largest?.comparison.verdict !== 'slower') {
      return {
        outcome: 'suggest',
        basis: { factor: 1, benchmark: best.name, estimate: best.comparison.estimate },
        reason:
          `faster on the repository's benchmark ${best.name}: ${best.comparison.reason} ` +
          `(at ${where(largest)}: ${decisive.reason})`,
      };
    }
    return {
      outcome: 'not-faster',
      basis,
      reason:
        `not significantly faster at ${where(largest)}: ${decisive.reason}` +
        (repository.length > 0 ? `; nor on the repository's ${repository.length} benchmark tasks` : ''),
    };
  }
  return { outcome: 'suggest', basis, reason: `faster at ${where(largest)}: ${decisive.reason}` };
}

const metricWords: Record<MemoryMetric, string> = {
  peak: 'peak memory per call',
  integral: 'memory × time per call',
};

/** Rule 4 under a memory objective (rules 1–3 already passed): the metric at the largest scale that measured it. */
function decideByMemory(
  input: PolicyInput,
  metric: MemoryMetric,
  largest: MeasuredScale | undefined,
): PolicyDecision {
  const timeThere = largest?.comparison;
  if (timeThere && significantlySlower(timeThere)) {
    return {
      outcome: 'regression',
      basis: { factor: largest.factor, n: largest.n, estimate: timeThere.estimate },
      reason: `slower at ${where(largest)} by more than ${verdictPolicy.maxRegression * 100}%: ${timeThere.reason}`,
    };
  }
  const measured = [...input.scales]
    .filter((s) => s.memory)
    .sort((a, b) => a.n - b.n || a.factor - b.factor)
    .at(-1);
  const comparison = measured?.memory?.[metric] ?? input.ownMemory?.[metric];
  const basis = {
    factor: measured?.factor ?? 1,
    n: measured?.n,
    ...(measured?.source ? { source: measured.source } : {}),
    metric,
  };
  if (!comparison) {
    return {
      outcome: 'not-faster',
      basis: { ...basis, estimate: input.own.estimate },
      reason: `its ${metricWords[metric]} could not be measured`,
    };
  }
  const at = `${metricWords[metric]} at ${where(measured)}`;
  const reason = comparison.reason;
  return comparison.verdict === 'faster'
    ? {
        outcome: 'suggest',
        basis: { ...basis, estimate: comparison.estimate },
        reason: `lower ${at}: ${reason}`,
      }
    : {
        outcome: 'not-faster',
        basis: { ...basis, estimate: comparison.estimate },
        reason: `not significantly lower ${at}: ${reason}`,
      };
}

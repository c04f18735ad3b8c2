import { headlineEstimate } from '../harness/scaled-benchmark.js';
import type { Evaluation, RecordedDifference, RepoBenchComparison, TestFailure } from '../harness/types.js';
import type { Provider } from '../providers/types.js';

/** `model <name>`, or `rule catalog` for the offline rules (whose answers name their rules themselves). */
export function providerLabel(provider: Provider): string {
  return provider.name === 'rules' ? 'rule catalog' : `model ${provider.model}`;
}

/** What became of one candidate. */
export type CandidateVerdict =
  | 'faster'
  | 'not-faster'
  | 'tests-failed'
  | 'differs'
  | 'side-effect'
  | 'not-measured'
  | 'not-run'
  | 'model-error';

/** Which check stopped a candidate before anything ran (verdict `not-run`). */
export type PreRunCheck = 'format' | 'syntax' | 'signature' | 'dependency' | 'capability' | 'duplicate';

/** The evidence kept for every candidate tried, for the report, the JSON and the model's feedback. */
export interface CandidateEvidence {
  /** 0 is the offline rule catalog asked before the model. */
  iteration: number;
  /** 1-based within its iteration; 0 when the request itself failed (verdict `model-error`). */
  candidate: number;
  /** What produced it: `rule <id>[ + <id>…]` or `model <name>`. */
  source: string;
  verdict: CandidateVerdict;
  check?: PreRunCheck;
  /** The whole reason as the stage that decided gave it (bounded; see maxReasonChars). */
  reason?: string;
  /** Tests that pass on the original and failed with this candidate, with the first lines of their assertion. */
  failingTests?: TestFailure[];
  /** The first recorded call it answered differently. */
  difference?: RecordedDifference;
  /** Its measured speedup over the original with the interval, when it was timed. */
  estimate?: { speedup: number; low: number; high: number; confidence: number };
  /** The repository's own benchmarks it was compared on, when they ran (the rows a rejection rests on). */
  repository?: RepoBenchComparison[];
  /** It became the best candidate so far. */
  kept?: boolean;
}

// Enough for a long assertion diff; a test log of megabytes must not reach the JSON report or the prompt.
export const maxReasonChars = 4000;
const maxFailingTests = 10;
const maxRepositoryRows = 20;
const maxFailureChars = 600;
const maxValueChars = 500;
/** Failing tests named in the text (the rest are counted); the JSON keeps up to maxFailingTests. */
const shownFailingTests = 3;

function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** The evidence fields of a harness verdict on a candidate that ran. */
export function evidenceOfEvaluation(
  evaluation: Evaluation,
): Pick<CandidateEvidence, 'verdict' | 'reason' | 'failingTests' | 'difference' | 'estimate' | 'repository'> {
  const estimate = evaluation.benchmark && { ...headlineEstimate(evaluation.benchmark) };
  if (estimate) delete (estimate as { resamples?: number }).resamples;
  if (evaluation.status === 'verified') return { verdict: 'faster', estimate };
  const reason = bounded(evaluation.reason, maxReasonChars);
  switch (evaluation.stage) {
    case 'tests': {
      const preexisting = new Set(evaluation.tests?.preexistingFailures ?? []);
      const failingTests = (evaluation.tests?.failures ?? [])
        .filter((f) => !preexisting.has(f.name))
        .slice(0, maxFailingTests)
        .map((f) => ({
          name: bounded(f.name, maxFailureChars),
          message: bounded(f.message, maxFailureChars),
        }));
      return { verdict: 'tests-failed', reason, ...(failingTests.length > 0 ? { failingTests } : {}) };
    }
    case 'differential': {
      const d = evaluation.difference;
      const difference = d && {
        call: d.call,
        what: bounded(d.what, maxValueChars),
        input: bounded(d.input, maxValueChars),
        expected: bounded(d.expected, maxValueChars),
        actual: bounded(d.actual, maxValueChars),
      };
      return { verdict: 'differs', reason, ...(difference ? { difference } : {}) };
    }
    case 'tripwire':
      return { verdict: 'side-effect', reason, estimate };
    // Correct, but the verdict policy found it slower on the tests' own inputs or worse in complexity.
    case 'not-faster':
    case 'regression':
    case 'asymptotically-worse': {
      const repository = evaluation.benchmark?.repository?.slice(0, maxRepositoryRows);
      return { verdict: 'not-faster', reason, estimate, ...(repository?.length ? { repository } : {}) };
    }
    default:
      return { verdict: 'not-measured', reason, estimate };
  }
}

const verdictLabels: Record<CandidateVerdict, string> = {
  faster: 'verified faster',
  'not-faster': 'correct but not faster',
  'tests-failed': 'tests failed',
  differs: 'differs on a recorded call',
  'side-effect': 'side effect while running',
  'not-measured': 'could not be measured',
  'not-run': 'rejected before running',
  'model-error': 'model error',
};

/** `rejected before running (syntax)`, `tests failed`, … */
export function verdictLabel(c: Pick<CandidateEvidence, 'verdict' | 'check'>): string {
  const label = verdictLabels[c.verdict];
  return c.check ? `${label} (${c.check})` : label;
}

export function intervalText(e: NonNullable<CandidateEvidence['estimate']>): string {
  return (
    `${e.speedup.toFixed(2)}×, ${Math.round(e.confidence * 100)}% CI ` +
    `${e.low.toFixed(2)}–${e.high.toFixed(2)}×`
  );
}

const firstLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ⏎ ');

/**
 * What happened to a candidate, as plain lines: the verdict with its main figure first, then the details (failing
 * tests with their first assertion lines, the differing call, the interval, the stage's own words). The report
 * and the model's feedback both show exactly these lines.
 */
export function candidateReasonLines(c: CandidateEvidence): string[] {
  const head = verdictLabel(c);
  const estimate = c.estimate && intervalText(c.estimate);
  switch (c.verdict) {
    case 'faster': {
      const lines = [`${head}: ${estimate ?? 'not timed'}${c.kept ? ' (kept as the best so far)' : ''}`];
      if (c.reason) lines.push(c.reason);
      return lines;
    }
    case 'tests-failed': {
      const tests = c.failingTests ?? [];
      if (tests.length === 0) return [head, ...(c.reason ? [c.reason] : [])];
      const count = tests.length === 1 ? '1 test that passes' : `${tests.length} tests that pass`;
      const lines = [`${head}: ${count} on the original`];
      for (const t of tests.slice(0, shownFailingTests)) lines.push(`${t.name}: ${firstLines(t.message)}`);
      if (tests.length > shownFailingTests) lines.push(`and ${tests.length - shownFailingTests} more`);
      return lines;
    }
    case 'differs': {
      const d = c.difference;
      if (!d) return [head, ...(c.reason ? [c.reason] : [])];
      // One line per value, whatever the values hold, so that each reads as one item.
      const value = (text: string) => text.replace(/\r?\n/g, ' ⏎ ');
      return [
        `${head}: its ${value(d.what)} on recorded call ${d.call + 1}`,
        `input: ${value(d.input)}`,
        `expected: ${value(d.expected)}`,
        `actual: ${value(d.actual)}`,
      ];
    }
    default: {
      if (estimate) return c.reason ? [`${head}: ${estimate}`, c.reason] : [`${head}: ${estimate}`];
      if (!c.reason) return [head];
      return c.reason.includes('\n') ? [head, c.reason] : [`${head}: ${c.reason}`];
    }
  }
}

/** One candidate's evidence as one feedback entry of the prompt: who proposed it, then its reason lines. */
export function feedbackText(c: CandidateEvidence): string {
  const who =
    c.candidate > 0 ? `Iteration ${c.iteration}, candidate ${c.candidate}` : `Iteration ${c.iteration}`;
  return `${who} (${c.source}): ${candidateReasonLines(c).join('\n')}`;
}

/** "3 tried: 2× tests failed, 1× correct but not faster" */
export function verdictCounts(candidates: readonly CandidateEvidence[]): string {
  const counts = new Map<string, number>();
  for (const c of candidates) counts.set(verdictLabel(c), (counts.get(verdictLabel(c)) ?? 0) + 1);
  const parts = [...counts].map(([label, n]) => `${n}× ${label}`);
  return `${candidates.length} tried: ${parts.join(', ')}`;
}

/** A candidate's reason lines on one line, for a table cell or a progress line. */
export function reasonOneLine(c: CandidateEvidence): string {
  return candidateReasonLines(c)
    .flatMap((l) => l.split('\n'))
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' · ');
}

import { z } from 'zod';
import { AfterburnerError } from '../errors.js';
import type { RunReport } from './types.js';

// A report read back from disk may come from another job's artifact (shards, a fork's workflow run): it is
// checked field by field before anything renders or posts it. Sizes are capped so that a hostile file cannot
// make us post megabytes.
const text = (max: number) => z.string().max(max);
const count = z.number().int().min(0).max(1e9);
const positive = z.number().finite().min(0);
const line = z.number().int().min(1).max(10_000_000);
const sha = z.string().regex(/^[0-9a-f]{7,64}$/, 'expected a commit sha');
const repoName = z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name');
const codeBlock = text(200_000);
/** Names are always rendered as inline code, so only their length and line breaks matter. */
const functionName = z.string().regex(/^\P{Cc}{1,300}$/u, 'expected a function name on one line');
const path = z
  .string()
  .max(1000)
  .refine(
    (p) => p !== '' && !p.startsWith('/') && !p.split('/').includes('..') && !/\p{Cc}/u.test(p),
    'expected a relative path inside the repository',
  );

const estimate = z.object({
  speedup: positive,
  low: positive,
  high: positive,
  confidence: z.number().min(0).max(1),
  resamples: count,
});

const complexityFit = z.object({
  exponent: z.number().finite().min(-10).max(10),
  sizes: z.array(positive).max(20),
  nearOverhead: z.boolean(),
});

const verdict = z.enum(['faster', 'slower', 'inconclusive']);

/** One timed comparison: the tests' own calls, or one grown scale (harness TimedComparison). */
const timedComparison = {
  calls: count,
  repeats: count,
  rounds: count,
  originalMedianNs: positive,
  candidateMedianNs: positive,
  estimate,
  verdict,
  uTestP: z.number().min(0).max(1).optional(),
  threshold: positive.optional(),
};

/** A metric other than wall time (harness MetricComparison): bytes, byte·ns, or instructions per pass. */
const otherMetric = z.object({
  calls: count,
  rounds: count,
  originalMedian: positive,
  candidateMedian: positive,
  estimate,
  verdict,
  uTestP: z.number().min(0).max(1).optional(),
  threshold: positive.optional(),
});
const perCall = z.object({ peak: otherMetric, integral: otherMetric }).optional();

const inputSource = z.enum(['model']).optional();
const scaleRow = z.object({ factor: count, n: count, source: inputSource, perCall, ...timedComparison });

/** One task of a repository's own benchmark (harness RepoBenchComparison). */
const repositoryRow = z.object({
  file: path,
  task: text(500),
  kind: z.enum(['vitest-bench', 'benchmark.js', 'tinybench', 'mitata', 'pytest-benchmark']),
  ...timedComparison,
});

const benchmark = z.object({
  ...timedComparison,
  memory: z
    .object({
      originalPeakBytes: positive,
      candidatePeakBytes: positive,
      originalIntegralMibMs: positive,
      candidateIntegralMibMs: positive,
      source: text(200),
    })
    .optional(),
  n: count.optional(),
  perCall,
  instructions: otherMetric.optional(),
  instructionsNote: text(1000).optional(),
  scales: z.array(scaleRow).max(20).optional(),
  complexity: z.object({ original: complexityFit, candidate: complexityFit }).optional(),
  scaleNotes: z.array(text(500)).max(20).optional(),
  repository: z.array(repositoryRow).max(200).optional(),
  repositoryNotes: z.array(text(2000)).max(20).optional(),
  decision: z
    .object({
      outcome: z.enum(['suggest', 'not-faster', 'regression', 'asymptotically-worse']),
      metric: z.enum(['peak', 'integral', 'instructions']).optional(),
      factor: count,
      n: count.optional(),
      source: inputSource,
      benchmark: text(1000).optional(),
      estimate,
      reason: text(4000),
    })
    .optional(),
});

const failure = z.object({ name: text(1000), message: text(4000) });

const testRun = z.object({
  command: text(2000),
  runner: text(100).optional(),
  files: z.array(path).max(10_000).optional(),
  passedCount: count.optional(),
  failedCount: count.optional(),
  failures: z.array(failure).max(1000).optional(),
  preexistingFailures: z.array(text(1000)).max(10_000).optional(),
  outcome: z.enum(['ok', 'failed', 'timeout', 'oom', 'crashed', 'output-limit']),
  passed: z.boolean(),
  durationMs: positive,
  outputTail: text(20_000),
});

const candidate = z.object({
  iteration: count,
  candidate: count,
  source: text(300),
  verdict: z.enum([
    'faster',
    'not-faster',
    'tests-failed',
    'differs',
    'side-effect',
    'not-measured',
    'not-run',
    'model-error',
  ]),
  check: z.enum(['format', 'syntax', 'signature', 'dependency', 'capability', 'duplicate']).optional(),
  reason: text(5000).optional(),
  failingTests: z.array(failure).max(20).optional(),
  difference: z
    .object({ call: count, what: text(1000), input: text(1000), expected: text(1000), actual: text(1000) })
    .optional(),
  estimate: z
    .object({ speedup: positive, low: positive, high: positive, confidence: z.number().min(0).max(1) })
    .optional(),
  repository: z.array(repositoryRow).max(20).optional(),
  kept: z.boolean().optional(),
});
// Iterations × candidates per function, with room for the rule catalog's and cached entries.
const candidates = z.array(candidate).max(2000).optional();

const lineEdit = z.object({ startLine: line, endLine: line, original: codeBlock, replacement: codeBlock });

const suggestion = z.object({
  path,
  name: functionName,
  language: z.enum(['javascript', 'typescript', 'tsx', 'python']),
  startLine: line,
  endLine: line,
  original: codeBlock,
  replacement: codeBlock,
  importEdit: lineEdit.optional(),
  benchmark,
  tests: testRun,
  differentialCalls: count,
  iteration: count,
  history: z
    .array(z.object({ iteration: count, bestSpeedup: positive }))
    .max(100)
    .optional(),
  source: text(300).optional(),
  candidates,
});

const schema = z.object({
  schemaVersion: z.literal(1),
  tool: z.object({ name: z.literal('afterburner'), version: text(50) }),
  base: text(300),
  head: text(300),
  mergeBase: sha,
  headSha: sha,
  pullRequest: z.object({ number: z.number().int().min(1), headRepo: repoName.optional() }).optional(),
  sandbox: z.object({
    kind: z.enum(['docker', 'process']),
    isolated: z.boolean(),
    description: text(500),
  }),
  provider: z.object({ name: text(100), model: text(200) }),
  settings: z.object({ iterations: count, candidates: count, minSpeedup: positive }),
  functionsAnalysed: count,
  suggestions: z.array(suggestion).max(1000),
  skipped: z
    .array(
      z.object({
        path,
        name: functionName.optional(),
        startLine: line.optional(),
        stage: z.enum(['detect', 'prepare', 'optimize']),
        reason: text(2000),
        candidates,
      }),
    )
    .max(100_000),
  usage: z.object({ inputTokens: count, outputTokens: count, costUsd: positive.optional() }),
  notices: z.array(text(2000)).max(1000),
});

// Fails to compile when the schema and the RunReport type drift apart.
const _sameShape: (parsed: z.infer<typeof schema>) => RunReport = (parsed) => parsed;
void _sameShape;

/** Parses a JSON report; a file that is not one fails with where it came from and the first bad field. */
export function parseRunReport(json: string, source: string): RunReport {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new AfterburnerError('usage', `${source} is not JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the top level';
    throw new AfterburnerError(
      'usage',
      `${source} is not an afterburner report: ${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

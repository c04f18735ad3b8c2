import type { RunReport, SuggestionReport } from '../../src/report/index.js';

/** A speedup with a ±10% interval, as the reports show it. */
export function sampleEstimate(speedup: number) {
  return { speedup, low: speedup * 0.9, high: speedup * 1.1, confidence: 0.95, resamples: 2000 };
}

export const sampleSuggestion: SuggestionReport = {
  path: 'src/posts.js',
  name: 'sharedTags',
  language: 'javascript',
  startLine: 4,
  endLine: 12,
  original:
    'export function sharedTags(posts, featured) {\n  return posts.filter((p) => featured.includes(p));\n}',
  replacement:
    'export function sharedTags(posts, featured) {\n  const featuredSet = new Set(featured);\n' +
    "  // a string with ``` inside must not close the fence\n  const label = '```' + posts.length;\n" +
    '  return posts.filter((p) => featuredSet.has(p));\n}',
  benchmark: {
    calls: 2,
    repeats: 4,
    rounds: 30,
    originalMedianNs: 4_210_000,
    candidateMedianNs: 812_500,
    estimate: { speedup: 5.1815, low: 4.9012, high: 5.4477, confidence: 0.95, resamples: 2000 },
    verdict: 'faster',
  },
  tests: {
    command: "node --test --test-reporter=tap 'test/posts.test.js'",
    runner: 'node:test',
    files: ['test/posts.test.js'],
    passedCount: 7,
    failedCount: 0,
    failures: [],
    outcome: 'ok',
    passed: true,
    durationMs: 240,
    outputTail: '# pass 7',
  },
  differentialCalls: 2,
  iteration: 1,
};

export function sampleReport(overrides: Partial<RunReport> = {}): RunReport {
  return {
    schemaVersion: 1,
    tool: { name: 'afterburner', version: '0.1.0' },
    base: 'main',
    head: 'HEAD',
    mergeBase: '1111111111111111111111111111111111111111',
    headSha: '2222222222222222222222222222222222222222',
    sandbox: { kind: 'process', isolated: false, description: 'process (NOT isolated)' },
    provider: { name: 'rules', model: 'offline-rules' },
    settings: { iterations: 2, candidates: 2, minSpeedup: 0.1 },
    functionsAnalysed: 3,
    suggestions: [sampleSuggestion],
    skipped: [
      {
        path: 'src/posts.js',
        name: 'slugify',
        startLine: 24,
        stage: 'optimize',
        reason: 'rules proposed no rewrite',
      },
      { path: 'src/broken.js', stage: 'detect', reason: 'syntax error at line 3 | not parsed' },
    ],
    usage: { inputTokens: 0, outputTokens: 0 },
    notices: [],
    ...overrides,
  };
}

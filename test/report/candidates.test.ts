import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/detect/types.js';
import { candidateReasonLines } from '../../src/optimize/candidate-evidence.js';
import { buildPrompt } from '../../src/optimize/index.js';
import { type RunReport, renderJsonReport, renderMarkdownReport } from '../../src/report/index.js';
import { inert } from '../../src/report/inert.js';
import { parseRunReport } from '../../src/report/report-schema.js';
import { renderSuggestionComment } from '../../src/report/review-comment.js';
import { renderSummaryComment } from '../../src/report/summary-comment.js';
import { expectGolden } from '../helpers/golden.js';
import { everyKindOfCandidate } from './sample-candidates.js';
import { sampleReport, sampleSuggestion } from './sample-report.js';

const [kept, ...rejected] = everyKindOfCandidate;
const testFiles = Array.from(
  { length: 64 },
  (_, i) => `test/posts-${String(i + 1).padStart(2, '0')}.test.js`,
);

const suggestion = {
  ...sampleSuggestion,
  source: 'rule set-membership',
  candidates: everyKindOfCandidate.slice(0, 4),
  tests: {
    ...sampleSuggestion.tests,
    command: `node --test --test-reporter=tap ${testFiles.map((f) => `'${f}'`).join(' ')}`,
    files: testFiles,
    passedCount: 212,
  },
  benchmark: {
    ...sampleSuggestion.benchmark,
    memory: {
      originalPeakBytes: 2 * 1024 * 1024,
      candidatePeakBytes: 2.24 * 1024 * 1024,
      originalIntegralMibMs: 300,
      candidateIntegralMibMs: 150,
      source: 'cgroup-v2',
    },
  },
};

function candidatesReport(): RunReport {
  return sampleReport({
    settings: { iterations: 5, candidates: 5, minSpeedup: 0.1 },
    suggestions: [suggestion],
    skipped: [
      {
        path: 'src/posts.js',
        name: 'slugify',
        startLine: 24,
        stage: 'optimize',
        reason: 'no candidate was verified faster (10 tried: …)',
        candidates: rejected,
      },
      { path: 'src/broken.js', stage: 'detect', reason: 'syntax error at line 3' },
    ],
  });
}

const footer = {
  version: '0.1.0',
  provider: 'openai',
  model: 'gpt-4o-mini',
  inputTokens: 900,
  outputTokens: 300,
};

describe('the candidates each function tried', () => {
  const markdown = renderMarkdownReport(candidatesReport());

  it('lists every candidate with its source and verdict, collapsed, in the Markdown report', () => {
    expectGolden('report-candidates.md', markdown);
    expect(markdown).toContain('<summary>Candidates tried (4)</summary>');
    expect(markdown).toContain('<summary>Candidates tried (9)</summary>');
    for (const label of [
      'verified faster: 5.18×, 95% CI 4.90–5.45× (kept as the best so far)',
      'tests failed: 2 tests that pass on the original',
      'differs on a recorded call: its return value on recorded call 4',
      'correct but not faster: 1.03×, 95% CI 0.97–1.09×',
      'rejected before running (capability): adds a capability the original does not use: child\\_process',
      'rejected before running (dependency): format error: new dependency lodash',
      'rejected before running (syntax)',
      'rejected before running (signature)',
      'rejected before running (duplicate)',
      'side effect while running',
      'model error: provider error: 429 Too Many Requests',
    ]) {
      expect(markdown).toContain(label);
    }
  });

  it('gives failing tests with their first assertion lines, and the differing call with both values', () => {
    expect(markdown).toContain(
      '  - sharedTags keeps the order of posts: AssertionError \\[ERR\\_ASSERTION\\]: Expected values to be ' +
        "strictly deep-equal: ⏎ + actual - expected ⏎ \\[ ⏎ +   'b', ⏎ 'a' ⏎ \\]",
    );
    expect(markdown).toContain(
      '  - sharedTags handles &lt;b&gt;empty&lt;/b&gt; \\| featured: TypeError: featured is not iterable',
    );
    expect(markdown).toContain(
      "  - input: \\[\\['a','b'\\],\\['b'\\]\\]\n  - expected: \\['b'\\]\n  - actual: \\['b','b'\\]",
    );
  });

  it('shows the model each rejection in the same words as the report', () => {
    const target: Target = {
      id: 'src/posts.js:sharedTags',
      path: 'src/posts.js',
      language: 'javascript',
      name: 'sharedTags',
      kind: 'function',
      startLine: 4,
      endLine: 12,
      source: sampleSuggestion.original,
      changedLines: [5],
      async: false,
      generator: false,
      context: '',
    } as Target;
    const [, user] = buildPrompt({
      target,
      currentSource: target.source,
      feedback: rejected,
      maxTokens: 100_000,
    });
    for (const c of rejected) {
      const [first = '', ...rest] = candidateReasonLines(c).flatMap((l) => l.split('\n'));
      expect(user?.content).toContain(`(${c.source}): ${first}`);
      expect(markdown).toContain(`(${inert(c.source)}): ${inert(first.trim())}`);
      for (const line of rest.map((l) => l.trim()).filter(Boolean)) {
        expect(user?.content).toContain(line);
        expect(markdown).toContain(`  - ${inert(line)}`);
      }
    }
  });

  it('names the rule that produced the suggestion and summarises 64 test files instead of listing them', () => {
    const paragraph = markdown.split('\n').find((l) => l.startsWith('**Correctness:**')) ?? '';
    expect(paragraph).toContain(
      "the repository's tests: 212 tests in 64 files (`test/posts-01.test.js`, `test/posts-02.test.js`, " +
        '`test/posts-03.test.js` and 61 more) passed',
    );
    expect(paragraph).toContain('Found in iteration 1 by rule set-membership;');
    expect(paragraph).not.toContain('posts-04');
    expect(markdown).toContain('<summary>Tests run (64 files)</summary>');
    expect(markdown).toContain('- `test/posts-64.test.js`');
  });

  it('shows a memory increase as an increase and the iterations that ran in the footer', () => {
    expect(markdown).toContain(
      '| peak memory of the replay | — | 2.00 MiB | 2.24 MiB | 1.12× more | one run each |',
    );
    expect(markdown).toContain(
      '| memory × time of the replay | — | 300.0 MiB·ms | 150.0 MiB·ms | 2.00× lower |',
    );
    expect(markdown).not.toMatch(/0\.\d+× lower/);
    expect(markdown).toContain(
      '3 of up to 5 iterations run after the rule catalog · 13 candidates tried (up to 5 per iteration)',
    );
  });

  it('puts the candidates in the review comment and the skipped ones in the summary comment', () => {
    const comment = renderSuggestionComment({
      suggestion,
      placement: 'inline',
      footer,
      marker: '<!-- m -->',
    });
    expectGolden('github/review-comment-candidates.md', comment);
    expect(comment).toContain('<summary>Candidates tried (4)</summary>');
    const summary = renderSummaryComment({ report: candidatesReport(), marker: '<!-- s -->' });
    expectGolden('github/summary-comment-candidates.md', summary);
    expect(summary).toContain(
      '`slugify` in `src/posts.js:24`:\n\n<details>\n<summary>Candidates tried (9)</summary>',
    );
  });

  it('keeps hostile model and test text inert', () => {
    const hostile = {
      ...rejected[0],
      source: 'model @octocat <img src=x onerror=alert(1)>',
      failingTests: [
        { name: '</details><script>x</script> #1 | col', message: '[link](https://evil.example)' },
      ],
    } as (typeof rejected)[number];
    const body = renderMarkdownReport(
      sampleReport({
        suggestions: [{ ...suggestion, candidates: [kept as (typeof rejected)[number], hostile] }],
      }),
    );
    expect(body).not.toMatch(/<img|<script|<\/details>&lt;|@octocat|(?<!\\)\]\(https:/);
    expect(body).toContain('@\u200boctocat &lt;img src=x onerror=alert(1)&gt;');
  });

  it('writes every candidate to the JSON, which reads back; oversized evidence is refused', () => {
    const report = candidatesReport();
    const parsed = parseRunReport(renderJsonReport(report), 'report.json');
    expect(parsed.suggestions[0]?.candidates).toEqual(everyKindOfCandidate.slice(0, 4));
    expect(parsed.skipped[0]?.candidates).toEqual(rejected);
    expect(parsed.suggestions[0]?.source).toBe('rule set-membership');
    const huge = JSON.parse(renderJsonReport(report)) as RunReport;
    (huge.skipped[0]?.candidates ?? [])[0]!.reason = 'x'.repeat(6000);
    expect(() => parseRunReport(JSON.stringify(huge), 'huge.json')).toThrow(
      /skipped\.0\.candidates\.0\.reason/,
    );
  });
});

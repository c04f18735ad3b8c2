import { describe, expect, it } from 'vitest';
import { headlineEstimate } from '../../src/harness/scaled-benchmark.js';
import { renderJsonReport, renderMarkdownReport, suggestionBlock } from '../../src/report/index.js';
import { renderSummaryComment } from '../../src/report/summary-comment.js';
import { expectGolden } from '../helpers/golden.js';
import { sampleEstimate, sampleReport, sampleSuggestion } from './sample-report.js';

describe('Markdown report', () => {
  it('renders a suggestion, its benchmark table and the skipped functions (process sandbox)', () => {
    expectGolden('report-suggestion-process.md', renderMarkdownReport(sampleReport()));
  });

  it('renders a run with nothing to suggest in the Docker sandbox', () => {
    const report = sampleReport({
      suggestions: [],
      skipped: [],
      functionsAnalysed: 0,
      sandbox: {
        kind: 'docker',
        isolated: true,
        description: 'docker (image node:22-bookworm-slim, network off)',
      },
      provider: { name: 'openai', model: 'gpt-4o-mini' },
      usage: { inputTokens: 1234, outputTokens: 567 },
      notices: ['Docker is not available (no daemon answered); using the process sandbox.'],
    });
    expectGolden('report-empty-docker.md', renderMarkdownReport(report));
  });

  it('adds a second suggestion block for the imports a candidate needs', () => {
    const suggestion = {
      ...sampleSuggestion,
      importEdit: {
        startLine: 1,
        endLine: 1,
        original: '// Catalogue helpers for tagged blog posts.',
        replacement:
          "// Catalogue helpers for tagged blog posts.\nimport { setTimeout } from 'node:timers/promises';",
      },
    };
    expectGolden(
      'report-suggestion-with-imports.md',
      renderMarkdownReport(sampleReport({ suggestions: [suggestion] })),
    );
  });

  it('names the tests that failed before any change and were not used as evidence', () => {
    const suggestion = {
      ...sampleSuggestion,
      tests: {
        ...sampleSuggestion.tests,
        failedCount: 3,
        preexistingFailures: ['posts network fetch', 'posts cache warm-up', 'posts locale order'],
      },
    };
    const report = sampleReport({ suggestions: [suggestion] });
    const markdown = renderMarkdownReport(report);
    expect(markdown).toContain(
      '3 tests fail before any change; not used as evidence: `posts network fetch`, `posts cache warm-up`',
    );
    expectGolden('report-suggestion-preexisting.md', markdown);
    expect(JSON.parse(renderJsonReport(report)).suggestions[0].tests.preexistingFailures).toHaveLength(3);
  });

  it('fences suggestion blocks longer than any backtick run in the code', () => {
    const block = suggestionBlock(sampleSuggestion.replacement);
    expect(block.startsWith('````suggestion\n')).toBe(true);
    expect(block.endsWith('\n````')).toBe(true);
    expect(suggestionBlock('a ````` b').startsWith('``````suggestion')).toBe(true);
  });

  it('says plainly when the only evidence from the tests is the exit code of the whole test command', () => {
    const suggestion = {
      ...sampleSuggestion,
      tests: {
        ...sampleSuggestion.tests,
        command: 'tape test/*.js',
        runner: 'script',
        passedCount: undefined,
        failedCount: undefined,
      },
    };
    const markdown = renderMarkdownReport(sampleReport({ suggestions: [suggestion] }));
    expect(markdown).toContain(
      '**Correctness:** no per-test results: the whole test command (`tape test/*.js`) ran and passed with this ' +
        'version; its exit code is the only evidence from the tests. Also, 2 calls recorded from those tests',
    );
    expect(markdown).not.toContain("the repository's tests (`tape");
  });

  it("rests the headline on the repository's own benchmark, with its rows (untrusted names escaped) and notes", () => {
    const estimate = sampleEstimate;
    const row = (task: string, originalMedianNs: number, speedup: number) => ({
      file: 'bench/posts.bench.ts',
      task,
      kind: 'vitest-bench' as const,
      calls: 1,
      repeats: 1,
      rounds: 8,
      originalMedianNs,
      candidateMedianNs: originalMedianNs / speedup,
      estimate: estimate(speedup),
      verdict: speedup > 1.2 ? ('faster' as const) : ('inconclusive' as const),
    });
    const suggestion = {
      ...sampleSuggestion,
      benchmark: {
        ...sampleSuggestion.benchmark,
        estimate: estimate(1.01),
        verdict: 'inconclusive' as const,
        repository: [
          row('sharedTags › 10 posts', 2_000, 1.02),
          row('sharedTags › 10 000 posts | <b>@maintainer</b>', 41_000_000, 38.5),
          row('renderPage', 90_000, 0.99),
          row('sharedTags › 1 000 posts', 420_000, 6.1),
          row('sortPosts', 15_000, 1.01),
          row('pagePosts', 8_000, 1.0),
        ],
        repositoryNotes: ['`bench/old.js` left out: exit 1: Error: Cannot find module `./legacy`'],
        decision: {
          outcome: 'suggest' as const,
          factor: 1,
          benchmark: 'bench/posts.bench.ts › sharedTags › 10 000 posts | <b>@maintainer</b>',
          estimate: estimate(38.5),
          reason: "faster on the repository's benchmark",
        },
      },
    };
    const report = sampleReport({ suggestions: [suggestion] });
    const markdown = renderMarkdownReport(report);
    // In a table cell the task's name is prose, escaped; in the headline's code span it is shown as it is.
    expect(markdown).toContain(
      '› sharedTags › 10 000 posts \\| &lt;b&gt;@\u200bmaintainer&lt;/b&gt;: time per operation',
    );
    expect(markdown).toContain(
      '`bench/posts.bench.ts › sharedTags › 10 000 posts | <b>@maintainer</b>`, 95% CI',
    );
    expect(markdown).toContain('1 more task changed less');
    expectGolden('report-suggestion-repo-benchmark.md', markdown);
    expect(JSON.parse(renderJsonReport(report)).suggestions[0].benchmark.repository).toHaveLength(6);
  });

  it('leads with per-call memory under --instruction memory, each metric with its interval', () => {
    const metric = (originalMedian: number, candidateMedian: number, speedup: number) => ({
      calls: 2,
      rounds: 10,
      originalMedian,
      candidateMedian,
      estimate: sampleEstimate(speedup),
      verdict: speedup > 1.2 ? ('faster' as const) : ('inconclusive' as const),
    });
    const suggestion = {
      ...sampleSuggestion,
      benchmark: {
        ...sampleSuggestion.benchmark,
        candidateMedianNs: 4_150_000,
        estimate: sampleEstimate(1.01),
        verdict: 'inconclusive' as const,
        n: 10_000,
        perCall: {
          peak: metric(81_152, 704, 12.9),
          integral: metric(8_239_916_302, 343_893_180, 26.2),
        },
        decision: {
          outcome: 'suggest' as const,
          metric: 'peak' as const,
          factor: 1,
          estimate: sampleEstimate(12.9),
          reason: "lower peak memory per call at the tests' own inputs",
        },
      },
    };
    const report = sampleReport({ suggestions: [suggestion] });
    const markdown = renderMarkdownReport(report);
    expect(markdown).toContain('`sharedTags` in `src/posts.js`: 12.90× less peak memory per call, 95% CI');
    const rows = markdown.split('\n').filter((line) => line.startsWith("| tests' own inputs"));
    expect(rows.map((line) => line.split(':')[1]?.split('(')[0]?.trim())).toEqual([
      'peak memory per call',
      'memory × time per call',
      'time per pass over 2 calls',
    ]);
    expect(rows[0]).toContain('| 79.3 KiB | 704 B | 12.90× lower | 95% CI 11.61–14.19× |');
    expectGolden('report-suggestion-memory.md', markdown);
    // The summary comment names the same gain; time stays "faster" wherever a speedup is meant.
    const summary = renderSummaryComment({ report, marker: '<!-- s -->' });
    expect(summary).toContain('| 12.90× less peak memory per call | 95% CI 11.61–14.19× |');
    expect(headlineEstimate(suggestion.benchmark).speedup).toBe(1.01);
    const json = JSON.parse(renderJsonReport(report));
    expect(json.suggestions[0].benchmark.perCall.integral.originalMedian).toBe(8_239_916_302);
    expect(json.suggestions[0].benchmark.decision.metric).toBe('peak');
  });

  it('writes JSON that round-trips the report', () => {
    const report = sampleReport();
    expect(JSON.parse(renderJsonReport(report))).toEqual(report);
    expectGolden('report-suggestion.json', renderJsonReport(report));
  });
});

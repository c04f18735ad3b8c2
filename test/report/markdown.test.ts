import { describe, expect, it } from 'vitest';
import { renderJsonReport, renderMarkdownReport, suggestionBlock } from '../../src/report/index.js';
import { expectGolden } from '../helpers/golden.js';
import { sampleReport, sampleSuggestion } from './sample-report.js';

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

  it('writes JSON that round-trips the report', () => {
    const report = sampleReport();
    expect(JSON.parse(renderJsonReport(report))).toEqual(report);
    expectGolden('report-suggestion.json', renderJsonReport(report));
  });
});

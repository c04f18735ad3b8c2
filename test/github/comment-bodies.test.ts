import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { inOneHunk, newSideHunks } from '../../src/github/diff-hunks.js';
import { contentHash, fingerprintMarker, parseFingerprint } from '../../src/github/fingerprint.js';
import { functionPatch } from '../../src/report/comment-parts.js';
import { renderImportComment, renderSuggestionComment } from '../../src/report/review-comment.js';
import { renderSweepBody } from '../../src/report/sweep-body.js';
import { expectGolden } from '../helpers/golden.js';
import { sampleEstimate } from '../report/sample-report.js';
import { reportWith, suggestionFor } from './report-fixture.js';

const run = promisify(execFile);
const footer = { version: '0.1.0', provider: 'openai', model: 'gpt-x', inputTokens: 1200, outputTokens: 300 };
const marker = fingerprintMarker({ target: 'src/a.js:f', hash: 'abc' });

const withImports = suggestionFor({
  path: 'src/a.js',
  name: 'f',
  startLine: 5,
  endLine: 7,
  original: 'export function f(xs) {\n  return xs.map((x) => x * 2);\n}',
  replacement: 'export function f(xs) {\n  return fastMap(xs, (x) => x * 2); // ``` inside\n}',
  importEdit: {
    startLine: 1,
    endLine: 1,
    original: "import a from './a.js';",
    replacement: "import a from './a.js';\nimport { fastMap } from './fast.js';",
  },
});

describe('comment bodies', () => {
  it("a suggestion measured at scale: a row per scale, where the inputs came from, each version's complexity", () => {
    const estimate = sampleEstimate;
    const row = (factor: number, originalNs: number, speedup: number) => ({
      factor,
      n: 5 * factor,
      calls: 3,
      repeats: 1,
      rounds: 15,
      originalMedianNs: originalNs,
      candidateMedianNs: originalNs / speedup,
      estimate: estimate(speedup),
      verdict: 'faster' as const,
    });
    const scaled = {
      ...withImports,
      benchmark: {
        ...withImports.benchmark,
        n: 5,
        candidateMedianNs: 1_800_000 / 1.01,
        estimate: estimate(1.01),
        verdict: 'inconclusive' as const,
        scales: [row(10, 5_000, 1.6), row(100, 400_000, 14), row(1000, 40_000_000, 150)],
        complexity: {
          original: { exponent: 2.01, sizes: [500, 5000], nearOverhead: false },
          candidate: { exponent: 1.04, sizes: [500, 5000], nearOverhead: false },
        },
        scaleNotes: ['×1000 of call 2: dropped, the original throws RangeError: <too> *many* rows'],
        decision: {
          outcome: 'suggest' as const,
          factor: 1000,
          n: 5000,
          estimate: estimate(150),
          reason: 'faster',
        },
      },
    };
    const body = renderSuggestionComment({ suggestion: scaled, placement: 'inline', footer, marker });
    expect(body).toContain('**`f`: 150.00× faster at n = 5000, 95% CI 135.00–165.00×**');
    expect(body).toContain(
      "| tests' own inputs: time per pass over 12 calls (median of 30 rounds) | 5 | 1.80 ms | 1.78 ms | 1.01× faster |",
    );
    expect(body).toContain(
      '| scaled ×1000 from recorded calls: time per pass over 3 calls (median of 15 rounds) | 5000 |',
    );
    expect(body).toContain('**Complexity:** ~n² (2.01) → ~n (1.04)');
    // The function's own error message is untrusted text.
    expect(body).toContain('the original throws RangeError: &lt;too&gt; \\*many\\* rows');
    expectGolden('github/review-comment-scaled.md', body);
  });

  it('an inline suggestion with an import edit, peak memory, integral and an iteration chart', () => {
    const rich = {
      ...withImports,
      history: [
        { iteration: 1, bestSpeedup: 1.2 },
        { iteration: 2, bestSpeedup: 1.8 },
      ],
      benchmark: {
        ...withImports.benchmark,
        memory: {
          originalPeakBytes: 4 * 1024 * 1024,
          candidatePeakBytes: 2 * 1024 * 1024,
          originalIntegralMibMs: 800,
          candidateIntegralMibMs: 200,
          source: 'cgroup-v1',
        },
      },
    };
    const body = renderSuggestionComment({
      suggestion: rich,
      placement: 'inline',
      importPlacement: 'inline',
      footer: { ...footer, costUsd: 0.0123 },
      marker,
    });
    // The code holds a run of three backticks, so the suggestion fence needs four.
    expect(body).toContain('````suggestion\n');
    expect(body).toContain('xychart-beta');
    expect(body).toContain(
      '| peak memory of the replay | — | 4.00 MiB | 2.00 MiB | 2.00× lower | one run each |',
    );
    expect(body).toContain(
      '| memory × time of the replay | — | 800.0 MiB·ms | 200.0 MiB·ms | 4.00× lower | one run each |',
    );
    expectGolden('github/review-comment-rich.md', body);
    expectGolden(
      'github/import-comment-inline.md',
      renderImportComment({ suggestion: withImports, placement: 'inline', marker }),
    );
    expectGolden(
      'github/import-comment-file.md',
      renderImportComment({ suggestion: withImports, placement: 'file', marker }),
    );
  });

  it('renders no memory rows or chart when the data has none', () => {
    const body = renderSuggestionComment({ suggestion: withImports, placement: 'inline', footer, marker });
    expect(body).not.toMatch(/peak memory|memory × time|mermaid/);
  });

  it('drops detail in a fixed order to stay under the limit, never cutting the suggestion', () => {
    const rich = { ...withImports, history: [1, 2, 3].map((i) => ({ iteration: i, bestSpeedup: i })) };
    const full = renderSuggestionComment({ suggestion: rich, placement: 'inline', footer, marker });
    const withoutChart = renderSuggestionComment({
      suggestion: rich,
      placement: 'inline',
      footer,
      marker,
      limit: full.length,
    });
    expect(withoutChart).not.toContain('mermaid');
    expect(withoutChart).toContain('**Correctness:**');
    const minimal = renderSuggestionComment({
      suggestion: rich,
      placement: 'inline',
      footer,
      marker,
      limit: 400,
    });
    expect(minimal).toContain('suggestion\nexport function f');
    expect(minimal).not.toMatch(/Correctness|\| metric/);
    expect(minimal.length).toBeLessThan(400);
    expect(minimal).toContain(marker);
    const tooBig = renderSuggestionComment({
      suggestion: rich,
      placement: 'inline',
      footer,
      marker,
      limit: 100,
    });
    expect(tooBig).not.toContain('suggestion\n');
    expect(tooBig).toContain('too large for a GitHub comment');
  });

  it('a real 70,000-character function gives a body under 65,536 characters without a suggestion block', () => {
    const huge = {
      ...withImports,
      replacement: `export function f(xs) {\n${'  xs.sort();\n'.repeat(6000)}}`,
    };
    const body = renderSuggestionComment({ suggestion: huge, placement: 'inline', footer, marker });
    expect(body.length).toBeLessThan(65_536);
    expect(body).not.toContain('```suggestion');
  });

  it('the patch of a file-level comment applies with git apply', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'afterburner-patch-'));
    try {
      const lines = ["import a from './a.js';", '', '// f', '', ...withImports.original.split('\n'), ''];
      await writeFile(join(dir, 'a.js'), lines.join('\n'));
      const patch = functionPatch({ ...withImports, path: 'a.js' });
      await writeFile(join(dir, 'p.diff'), `${patch}\n`);
      await run('git', ['apply', '--unidiff-zero', 'p.diff'], { cwd: dir });
      const { stdout } = await run('cat', [join(dir, 'a.js')]);
      expect(stdout).toContain('fastMap(xs');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fingerprints round-trip and hashes depend on content only', () => {
    const fp = { target: 'src/a b.js:Cache.get', hash: contentHash('x', 'y') };
    expect(parseFingerprint(`text\n${fingerprintMarker(fp)}`)).toEqual(fp);
    expect(contentHash('x', 'y')).not.toBe(contentHash('xy', ''));
    expect(parseFingerprint('no marker')).toBeUndefined();
  });

  it('finds new-side hunks in a GitHub patch', () => {
    const patch =
      '@@ -1,3 +1,4 @@\n a\n-b\n+c\n+d\n e\n@@ -20,2 +21,0 @@\n-x\n-y\n@@ -40 +40,2 @@\n-q\n+r\n+s';
    const hunks = newSideHunks(patch);
    expect(hunks).toEqual([
      { start: 1, end: 4 },
      { start: 40, end: 41 },
    ]);
    expect(inOneHunk(hunks, 2, 4)).toBe(true);
    expect(inOneHunk(hunks, 4, 40)).toBe(false);
  });

  it('the sweep pull request body', () => {
    const report = reportWith([withImports], 'f'.repeat(40));
    expectGolden(
      'github/sweep-body.md',
      renderSweepBody({
        report,
        applied: report.suggestions,
        leftOut: [],
        marker: '<!-- afterburner:sweep -->',
      }),
    );
  });
});

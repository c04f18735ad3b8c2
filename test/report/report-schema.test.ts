import { describe, expect, it } from 'vitest';
import { renderJsonReport } from '../../src/report/index.js';
import { inert } from '../../src/report/inert.js';
import { parseRunReport } from '../../src/report/report-schema.js';
import { sampleReport, sampleSuggestion } from './sample-report.js';

describe('reading a JSON report back', () => {
  it('round-trips what renderJsonReport writes', () => {
    const report = sampleReport({ pullRequest: { number: 12, headRepo: 'someone/fork' } });
    expect(parseRunReport(renderJsonReport(report), 'report.json')).toEqual(report);
  });

  it('names the file and the first bad field of a file that is not a report', () => {
    expect(() => parseRunReport('{"schemaVersion": 1', 'a.json')).toThrow(/^a\.json is not JSON: /);
    expect(() => parseRunReport('[]', 'b.json')).toThrow(
      /^b\.json is not an afterburner report: the top level/,
    );
    const bad = sampleReport({ suggestions: [{ ...sampleSuggestion, startLine: 0 }] });
    expect(() => parseRunReport(renderJsonReport(bad), 'c.json')).toThrow(
      /^c\.json is not an afterburner report: suggestions\.0\.startLine: /,
    );
  });

  it('refuses paths outside the repository, multi-line names and oversized fields', () => {
    const withSuggestion = (patch: object) =>
      renderJsonReport(sampleReport({ suggestions: [{ ...sampleSuggestion, ...patch }] }));
    expect(() => parseRunReport(withSuggestion({ path: '../etc/passwd' }), 'r')).toThrow(
      /suggestions\.0\.path/,
    );
    expect(() => parseRunReport(withSuggestion({ path: '/etc/passwd' }), 'r')).toThrow(
      /suggestions\.0\.path/,
    );
    expect(() => parseRunReport(withSuggestion({ name: 'a\nb' }), 'r')).toThrow(/suggestions\.0\.name/);
    expect(() => parseRunReport(withSuggestion({ replacement: 'x'.repeat(300_000) }), 'r')).toThrow(
      /suggestions\.0\.replacement/,
    );
    const report = JSON.parse(renderJsonReport(sampleReport()));
    report.headSha = 'not a sha';
    expect(() => parseRunReport(JSON.stringify(report), 'r')).toThrow(/headSha: expected a commit sha/);
  });
});

describe('inert text from a report someone else wrote', () => {
  it('cannot mention, link, embed HTML or format, and stays on one line', () => {
    const text = inert(
      'ping @octocat, see [here](https://evil.example) or www.evil.example <img src=x>\n**bold**',
    );
    expect(text).not.toMatch(/@\w/);
    expect(text).not.toContain('https://');
    expect(text).not.toMatch(/www\./);
    expect(text).not.toMatch(/(^|[^\\])[[*]/);
    expect(text).not.toContain('<');
    expect(text).not.toContain('\n');
    expect(inert('x'.repeat(1200))).toHaveLength(1001);
    expect(inert('a | b', 'cell')).toBe('a \\| b');
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/index.js';
import { type CliResult, runCli } from '../helpers/cli.js';

describe('npm run demo (afterburner demo)', () => {
  let cwd: string;
  let result: CliResult;
  let report: RunReport;
  let markdown: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'afterburner-demo-test-'));
    result = await runCli(['demo', '--rounds', '15'], { cwd });
    markdown = await readFile(join(cwd, 'afterburner-report.md'), 'utf8').catch(() => '');
    report = JSON.parse(
      await readFile(join(cwd, 'afterburner-report.json'), 'utf8').catch(() => '{}'),
    ) as RunReport;
  });

  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('finishes and says where the report is and which sandbox ran the code', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(join(cwd, 'afterburner-report.md'));
    expect(result.stdout).toContain(`sandbox: ${report.sandbox.description}`);
    if (report.sandbox.kind === 'process') expect(markdown).toContain('**not isolated**');
  });

  it('finds verified speedups with the offline rules alone, each with a benchmark table', () => {
    expect(report.provider.name).toBe('rules');
    expect(report.suggestions.length).toBeGreaterThanOrEqual(1);
    for (const suggestion of report.suggestions) {
      expect(suggestion.benchmark.verdict).toBe('faster');
      expect(suggestion.tests.passed).toBe(true);
    }
    expect(markdown.match(/````?suggestion\n/g)?.length).toBe(report.suggestions.length);
    expect(markdown).toContain('| inputs | n | before | after | change | interval |');
  });

  it('explains every function it did not optimize', () => {
    const slugify = report.skipped.find((s) => s.name === 'slugify');
    expect(slugify?.reason).toMatch(/rules proposed no rewrite/);
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import { type Evaluation, NodeHarness } from '../../src/harness/index.js';
import { passCounts } from '../../src/harness/instruction-counts.js';
import { PythonHarness } from '../../src/languages/python/harness/python-harness.js';
import { benchmarkTable } from '../../src/report/comment-parts.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { dockerTestImage } from '../helpers/docker.js';
import { memoryFixtureMode, memoryFixtures } from '../helpers/memory-fixtures.js';

describe('passCounts', () => {
  const dumps = (totals: number[]) =>
    totals.map((n, i) => `.afterburner-harness/callgrind/original.41.${i + 1}:totals: ${n}`).join('\n');

  it("keeps each pass's running half: dump 1 is start-up, then arguments and calls alternate", () => {
    // start-up, (arguments, calls) × 3; the exit dump has no number and is not matched.
    const out = `${dumps([900_000, 40, 1000, 41, 1001, 40, 999])}\n.afterburner-harness/callgrind/original.41:totals: 7`;
    expect(passCounts(out, 3)).toEqual([1000, 1001, 999]);
  });

  it("reads the replay's own process when a launcher or a child wrote dumps too", () => {
    const launcher = '.afterburner-harness/callgrind/original.40.1:totals: 5';
    expect(passCounts(`${launcher}\n${dumps([900_000, 40, 1000, 41, 1001])}`, 2)).toEqual([1000, 1001]);
  });

  it('gives nothing when the dumps fall short of the passes asked for (a crash, a missing marker)', () => {
    expect(passCounts(dumps([900_000, 40, 1000, 41]), 3)).toBeUndefined();
    expect(passCounts('', 1)).toBeUndefined();
  });
});

const mode = memoryFixtureMode;
const languages = memoryFixtures.map((f) => ({ ...f, name: f.trade }));

describe.each(languages)(`--measure instructions ($fixture, ${mode} sandbox)`, (language) => {
  let sandbox: Sandbox;
  let repo: FixtureRepo;
  let target: Target;

  beforeAll(async () => {
    sandbox = await createSandbox({ mode, image: dockerTestImage, runId: `count-test-${language.fixture}` });
    repo = await materializeFixture(language.fixture);
    const { targets } = await detectChangedFunctions({ repo: repo.dir, base: repo.base, head: repo.head });
    target = targets.find((t) => t.name === language.name) as Target;
  });

  afterAll(async () => {
    await sandbox?.close();
    await repo?.dispose();
  });

  it('decides on callgrind counts of the tests’ own calls, with an interval and the time rows beside them', async () => {
    const workspace = await sandbox.open({ sourceDir: repo.dir });
    let evaluation: Evaluation;
    try {
      const harness = new language.Harness({
        workspace,
        target,
        sourceDir: repo.dir,
        fileText: await readFile(join(repo.dir, target.path), 'utf8'),
        testCommand: language.testCommand,
        minSpeedup: 0.1,
        rounds: 10,
        measure: 'instructions',
      });
      expect(await harness.prepare()).toMatchObject({ ok: true });
      evaluation = await harness.evaluate({ source: language.faster, imports: [] });
    } finally {
      await workspace.dispose();
    }
    expect(evaluation.status, JSON.stringify(evaluation)).toBe('verified');
    const { benchmark } = evaluation as Extract<Evaluation, { status: 'verified' }>;
    expect(benchmark.instructionsNote).toBeUndefined();
    expect(benchmark.decision).toMatchObject({ outcome: 'suggest', metric: 'instructions', factor: 1 });
    const counted = benchmark.instructions;
    expect(counted?.rounds).toBe(10);
    // A scan of 400 for each of 400 ids against a set: several times fewer instructions. The interval is tight in
    // CPython; in V8 a tier change can still land in a counted pass (seen: 5.37–8.50 on Node 20), so the bound is loose.
    expect(counted?.estimate.low).toBeGreaterThan(3);
    expect((counted?.estimate.high ?? 0) / (counted?.estimate.low ?? 1)).toBeLessThan(2);
    expect(counted?.threshold).toBeCloseTo(1.1, 5);
    expect(benchmark.decision?.estimate).toEqual(counted?.estimate);
    const table = benchmarkTable({ benchmark } as never);
    const rows = table.split('\n').filter((line) => line.startsWith("| tests' own inputs"));
    expect(rows[0]).toMatch(
      /instructions per pass over 2 calls \(callgrind, median of 10 passes\) .*× fewer \| 95% CI/,
    );
    expect(rows[1]).toContain('time per pass');
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import { type Evaluation, NodeHarness } from '../../src/harness/index.js';
import { PythonHarness } from '../../src/languages/python/harness/python-harness.js';
import { benchmarkTable } from '../../src/report/comment-parts.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { dockerTestImage } from '../helpers/docker.js';
import { memoryFixtureMode, memoryFixtures } from '../helpers/memory-fixtures.js';

const mode = memoryFixtureMode;
const languages = memoryFixtures;

type Language = (typeof languages)[number];
type Verified = Extract<Evaluation, { status: 'verified' }>;

describe.each(languages)(`per-call memory and --instruction ($fixture, ${mode} sandbox)`, (language) => {
  let sandbox: Sandbox;
  let repo: FixtureRepo;
  let targets: Target[];

  beforeAll(async () => {
    sandbox = await createSandbox({ mode, image: dockerTestImage, runId: `memory-test-${language.fixture}` });
    repo = await materializeFixture(language.fixture);
    ({ targets } = await detectChangedFunctions({ repo: repo.dir, base: repo.base, head: repo.head }));
  });

  afterAll(async () => {
    await sandbox?.close();
    await repo?.dispose();
  });

  async function evaluate(
    name: string,
    source: string,
    instruction: 'time' | 'memory' | 'integral',
  ): Promise<Evaluation> {
    const target = targets.find((t) => t.name === name) as Target;
    const workspace = await sandbox.open({ sourceDir: repo.dir });
    try {
      const harness = new (language as Language).Harness({
        workspace,
        target,
        sourceDir: repo.dir,
        fileText: await readFile(join(repo.dir, target.path), 'utf8'),
        testCommand: language.testCommand,
        minSpeedup: 0.1,
        rounds: 10,
        instruction,
      });
      const prepared = await harness.prepare();
      expect(prepared, JSON.stringify(prepared)).toMatchObject({ ok: true });
      return await harness.evaluate({ source, imports: [] });
    } finally {
      await workspace.dispose();
    }
  }

  it('suggests a needless copy removed under --instruction memory, with its peak and integral intervals', async () => {
    const evaluation = await evaluate(language.needless, language.lighter, 'memory');
    expect(evaluation.status, JSON.stringify(evaluation)).toBe('verified');
    const { benchmark } = evaluation as Verified;
    expect(benchmark.decision).toMatchObject({ outcome: 'suggest', metric: 'peak' });
    const peak = benchmark.perCall?.peak;
    // A 10 000-element copy (40–80 KB) against next to nothing: far beyond 5×, with an interval that says so.
    expect(peak?.originalMedian).toBeGreaterThan(5 * (peak?.candidateMedian ?? Number.POSITIVE_INFINITY));
    expect(peak?.estimate.low).toBeGreaterThan(5);
    expect(benchmark.perCall?.integral.estimate.low).toBeGreaterThan(1.1);
    expect(benchmark.perCall?.peak.rounds).toBe(10);
    const table = benchmarkTable({ benchmark } as never);
    expect(table).toMatch(/peak memory per call .*\| [\d.]+× lower \| 95% CI/);
  });

  it('does not suggest the same candidate under --instruction time, nor spends time on its memory', async () => {
    const evaluation = await evaluate(language.needless, language.lighter, 'time');
    expect(evaluation.status, JSON.stringify(evaluation)).toBe('rejected');
    expect(evaluation).toMatchObject({ stage: 'not-faster' });
    // Its point estimate is under 1.1×, so memory, which cannot decide under time, was not measured.
    const { benchmark } = evaluation as Extract<Evaluation, { status: 'rejected' }>;
    expect(benchmark?.estimate.speedup).toBeLessThan(1.1);
    expect(benchmark?.perCall).toBeUndefined();
  });

  it('suggests a time win that costs memory under time, with the memory rows showing the loss', async () => {
    const evaluation = await evaluate(language.trade, language.faster, 'time');
    expect(evaluation.status, JSON.stringify(evaluation)).toBe('verified');
    const { benchmark } = evaluation as Verified;
    expect(benchmark.decision?.metric).toBeUndefined();
    expect(benchmark.estimate.low).toBeGreaterThan(1.1);
    const peak = benchmark.perCall?.peak;
    expect(peak?.candidateMedian).toBeGreaterThan(peak?.originalMedian ?? Number.POSITIVE_INFINITY);
    expect(peak?.estimate.high).toBeLessThan(1);
    const table = benchmarkTable({ benchmark } as never);
    expect(table).toMatch(/peak memory per call .*\| [\d.]+× more \| 95% CI/);
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import { NodeHarness } from '../../src/harness/index.js';
import type { Calibration } from '../../src/harness/verify-result.js';
import { PythonHarness } from '../../src/languages/python/harness/python-harness.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { median } from '../../src/stats/index.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

const languages = [
  { fixture: 'tiny-calls-js', testCommand: 'node --test test/', Harness: NodeHarness },
  { fixture: 'tiny-calls-py', testCommand: undefined, Harness: PythonHarness },
] as const;

describe.each(modes)('A/A calibration of a tiny call (%s sandbox)', (mode) => {
  let sandbox: Sandbox;
  const fixtures = new Map<string, { repo: FixtureRepo; targets: Target[] }>();

  beforeAll(async () => {
    sandbox = await createSandbox({ mode, image: dockerTestImage, runId: `tiny-calls-test-${mode}` });
    for (const { fixture } of languages) {
      const repo = await materializeFixture(fixture);
      const { targets } = await detectChangedFunctions({ repo: repo.dir, base: repo.base, head: repo.head });
      fixtures.set(fixture, { repo, targets });
    }
  });

  afterAll(async () => {
    await sandbox?.close();
    for (const { repo } of fixtures.values()) await repo.dispose();
  });

  async function calibrate(language: (typeof languages)[number]): Promise<Calibration | undefined> {
    const { repo, targets } = fixtures.get(language.fixture) as { repo: FixtureRepo; targets: Target[] };
    const target = targets.find((t) => t.name === 'field') as Target;
    const workspace = await sandbox.open({ sourceDir: repo.dir });
    try {
      const harness = new language.Harness({
        workspace,
        target,
        sourceDir: repo.dir,
        fileText: await readFile(join(repo.dir, target.path), 'utf8'),
        testCommand: language.testCommand,
        minSpeedup: 0.1,
        rounds: 10,
        maxRounds: 12,
        minRoundMs: 2,
      });
      const prepared = await harness.prepare();
      expect(prepared, JSON.stringify(prepared)).toMatchObject({ ok: true });
      return harness.calibration;
    } finally {
      await workspace.dispose();
    }
  }

  it.each(languages)('batches $fixture so that a warm batch lasts the minimum round', async (language) => {
    const calibration = await calibrate(language);
    expect(calibration).toBeDefined();
    const { originalNs, candidateNs, repeats, calls } = calibration as Calibration;
    // One paired sample of each side per round, at least `rounds` and at most `maxRounds` of them.
    expect(originalNs.length).toBe(candidateNs.length);
    expect(originalNs.length).toBeGreaterThanOrEqual(10);
    expect(originalNs.length).toBeLessThanOrEqual(12);
    expect(calls).toBe(2);
    // Load only makes batches longer; a batch sized while the code was still cold would be far shorter than
    // 2 ms once warm (a tiny call is tens of times faster then).
    expect(median(originalNs) * repeats).toBeGreaterThan(1e6);
    expect(median(candidateNs) * repeats).toBeGreaterThan(1e6);
  });
});

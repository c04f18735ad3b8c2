import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Evaluation } from '../../src/harness/types.js';
import { PythonHarness } from '../../src/languages/python/harness/python-harness.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox, Workspace } from '../../src/sandbox/types.js';

const sieve = `def primes_below(limit):
    """The primes below \`limit\`, by a sieve."""
    composite = bytearray(max(0, limit))
    primes = []
    for k in range(2, limit):
        if not composite[k]:
            primes.append(k)
            composite[k * k :: k] = b"\\x01" * len(range(k * k, limit, k))
    return primes`;

// Crosses out multiples of 2, 3 and 5 only: right below 49, so the tests' limits (up to 20) cannot tell.
const shortSieve = sieve.replace(
  '            composite[k * k',
  '            if k < 7:\n                composite[k * k',
);

// One sandbox mode: the generator's process is started like the verify runner's, through the workspace, in both.
describe("PythonHarness with the model's input generator (process sandbox)", () => {
  let fixture: FixtureRepo;
  let sandbox: Sandbox;
  let workspace: Workspace;
  let harness: PythonHarness;

  beforeAll(async () => {
    fixture = await materializeFixture('py-primes');
    const [target] = (
      await detectChangedFunctions({ repo: fixture.dir, base: fixture.base, head: fixture.head })
    ).targets;
    if (!target) throw new Error('py-primes: no target');
    sandbox = await createSandbox({
      mode: 'process',
      image: 'unused-in-process-mode',
      runId: 'py-workload-test',
    });
    workspace = await sandbox.open({ sourceDir: fixture.dir });
    harness = new PythonHarness({
      workspace,
      target,
      sourceDir: fixture.dir,
      fileText: await readFile(join(fixture.dir, target.path), 'utf8'),
      minSpeedup: 0.1,
      rounds: 10,
      scaleFactors: [10, 100, 1000],
    });
    expect(await harness.prepare()).toMatchObject({ ok: true, capturedCalls: 3 });
  });

  afterAll(async () => {
    await workspace?.dispose();
    await sandbox?.close();
    await fixture?.dispose();
  });

  it('keeps the generated sizes the original handles, rejects a candidate they catch, verifies one they favour', async () => {
    const added = await harness.addWorkload('def afterburner_inputs(n):\n    return [(n,)]\n');
    expect(added.kept).toEqual(expect.arrayContaining([100, 1000, 10000]));

    const wrong = await harness.evaluate({ source: shortSieve, imports: [] });
    // The tests pass; the generated limits include 49.
    expect(wrong).toMatchObject({ status: 'rejected', stage: 'differential' });
    expect((wrong as { reason: string }).reason).toMatch(
      /on model-generated input 0 at n = \d+: input \(\d+,\)/,
    );

    const right: Evaluation = await harness.evaluate({ source: sieve, imports: [] });
    expect(right.status, JSON.stringify(right)).toBe('verified');
    const benchmark = (right as Extract<Evaluation, { status: 'verified' }>).benchmark;
    expect(benchmark.scales?.every((s) => s.source === 'model')).toBe(true);
    expect(benchmark.decision).toMatchObject({ outcome: 'suggest', source: 'model' });
    expect(benchmark.decision?.n).toBeGreaterThanOrEqual(10000);
    expect(benchmark.decision?.estimate.low).toBeGreaterThan(2);
  });
});

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import { type Evaluation, NodeHarness, type Preparation } from '../../src/harness/index.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { fewestRounds, preparedHarnesses } from '../helpers/prepared-harnesses.js';

const run = promisify(execFile);

const fasterUniqueSkus = `export function uniqueSkus(items) {
  const seen = new Set();
  const result = [];
  for (const item of items) {
    if (!seen.has(item.sku)) {
      seen.add(item.sku);
      result.push(item.sku);
    }
  }
  return result;
}`;

// Passes the tests (they only check small carts exactly) but drops the first SKU of large carts.
const wrongOnLargeCarts = `export function uniqueSkus(items) {
  const result = [...new Set(items.map((item) => item.sku))];
  return items.length > 1000 ? result.slice(1) : result;
}`;

// Same prices, but returns new objects instead of discounting the caller's items in place.
const copyingDiscount = `export function applyDiscount(items, percent) {
  return items.map((item) => ({ ...item, price: Math.round(item.price * (100 - percent)) / 100 }));
}`;

const unroundedTotal = `export async function totalAsync(items) {
  let total = 0;
  for (const item of items) total += item.price * item.qty;
  return items.length > 1000 ? total + 0.001 : Math.round(total * 100) / 100;
}`;

const fasterCountAvailable = `  countAvailable(wanted) {
    const stock = new Set(this.skus);
    return wanted.filter((sku) => stock.has(sku)).length;
  }`;

// Targets whose tests assert a rejection or a skip, never a speedup.
const correctnessOnly = new Set(['applyDiscount', 'totalAsync']);

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

describe.each(modes)('NodeHarness on a vitest repository (%s sandbox)', (mode) => {
  // The harness's logic is the same in both sandboxes: Docker runs the cases that exercise the sandbox itself
  // (copying in, running, recording, measuring), the process sandbox runs them all.
  const processOnly = mode === 'docker' ? it.skip : it;

  let fixture: FixtureRepo;
  let sandbox: Sandbox;
  let targets: Target[];

  beforeAll(async () => {
    fixture = await materializeFixture('shop-cart');
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: fixture.dir });
    targets = (await detectChangedFunctions({ repo: fixture.dir, base: fixture.base, head: fixture.head }))
      .targets;
    sandbox = await createSandbox({ mode, image: dockerTestImage, runId: `harness-test-${mode}` });
  });

  afterAll(async () => {
    await sandbox?.close();
    await fixture?.dispose();
  });

  const harnesses = preparedHarnesses(
    () => ({ sandbox, sourceDir: fixture.dir, targets }),
    async (target, workspace) =>
      new NodeHarness({
        workspace,
        target,
        sourceDir: fixture.dir,
        fileText: await readFile(join(fixture.dir, target.path), 'utf8'),
        testCommand: 'vitest run',
        minSpeedup: 0.1,
        rounds: 15,
        ...(correctnessOnly.has(target.name) ? fewestRounds : {}),
      }),
  );
  afterAll(() => harnesses.dispose());
  const prepare = (name: string) => harnesses.prepare(name);

  async function withHarness<T>(
    name: string,
    use: (harness: NodeHarness, prepared: Preparation) => Promise<T>,
  ): Promise<T> {
    const { harness, preparation } = await prepare(name);
    return use(harness, preparation);
  }

  it('accepts a correct rewrite of a slow function with a speedup whose interval excludes 1', async () => {
    const evaluation = await withHarness('uniqueSkus', async (harness, prepared) => {
      expect(prepared).toMatchObject({
        ok: true,
        capturedCalls: 2,
        tests: { runner: 'vitest', files: ['test/cart.test.js'] },
      });
      return harness.evaluate({ source: fasterUniqueSkus, imports: [] });
    });
    expect(evaluation.status, JSON.stringify(evaluation)).toBe('verified');
    const verified = evaluation as Extract<Evaluation, { status: 'verified' }>;
    expect(verified.benchmark.estimate.low).toBeGreaterThan(1.1);
    expect(verified.differentialCalls).toBe(2);
    // Each side replayed alone in its own process: the sandbox measured its peak memory and memory-time integral.
    expect(verified.benchmark.memory?.originalIntegralMibMs).toBeGreaterThan(0);
    expect(verified.benchmark.memory?.candidateIntegralMibMs).toBeGreaterThan(0);
    expect(verified.benchmark.uTestP).toBeLessThan(0.05);
  });

  it('rejects a candidate that passes the tests but differs on one captured input, showing that input', async () => {
    const evaluation = await withHarness('uniqueSkus', (harness) =>
      harness.evaluate({ source: wrongOnLargeCarts, imports: [] }),
    );
    expect(evaluation).toMatchObject({ status: 'rejected', stage: 'differential' });
    const reason = (evaluation as { reason: string }).reason;
    expect(reason).toMatch(
      /return value on captured call 1: input \[ \[ \{ sku: 'sku-0', price: 100, qty: 1 \}/,
    );
    expect(reason).toMatch(/expected \[ 'sku-0', 'sku-1'.*got \[ 'sku-1', 'sku-2'/);
  });

  processOnly(
    'rejects a candidate that leaves its argument unmutated where the original mutated it',
    async () => {
      const evaluation = await withHarness('applyDiscount', (harness) =>
        harness.evaluate({ source: copyingDiscount, imports: [] }),
      );
      expect(evaluation).toMatchObject({ status: 'rejected', stage: 'differential' });
      expect((evaluation as { reason: string }).reason).toMatch(/argument mutation/);
    },
  );

  processOnly('awaits async results before comparing them', async () => {
    const evaluation = await withHarness('totalAsync', (harness) =>
      harness.evaluate({ source: unroundedTotal, imports: [] }),
    );
    expect(evaluation).toMatchObject({ status: 'rejected', stage: 'differential' });
    expect((evaluation as { reason: string }).reason).toMatch(
      /return value on captured call 1: .*expected 617986, got 617986.001/,
    );
  });

  processOnly('replays class methods on a receiver rebuilt from the captured state', async () => {
    const evaluation = await withHarness('Inventory.countAvailable', (harness, prepared) => {
      expect(prepared).toMatchObject({ ok: true, capturedCalls: 1 });
      return harness.evaluate({ source: fasterCountAvailable, imports: [] });
    });
    expect(evaluation.status, JSON.stringify(evaluation)).toBe('verified');
  });

  processOnly('skips a non-deterministic function with its reason', async () => {
    const prepared = await withHarness('orderId', async (_harness, p) => p);
    expect(prepared).toMatchObject({ ok: false });
    expect((prepared as { reason: string }).reason).toMatch(
      /^non-deterministic: two runs of the original on captured call 0 differ in return value/,
    );
  });

  it('skips a function no test calls with its reason', async () => {
    const prepared = await withHarness('formatPrice', async (_harness, p) => p);
    expect(prepared).toEqual({
      ok: false,
      reason: 'not covered by tests: the tests never called `formatPrice`',
    });
  });
});

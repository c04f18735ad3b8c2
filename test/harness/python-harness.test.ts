import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import type { Evaluation, Preparation } from '../../src/harness/index.js';
import { PythonHarness } from '../../src/languages/python/harness/python-harness.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox, Workspace } from '../../src/sandbox/types.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { fewestRounds, preparedHarnesses } from '../helpers/prepared-harnesses.js';

const fasterUniqueSkus = `def unique_skus(items):
    """SKUs of the items in first-seen order, each once."""
    return list(dict.fromkeys(item.sku for item in items))`;

// Passes the tests (they check the large catalogue's length and members, not its order) but sorts large results.
const sortedOnLargeCatalogues = `def unique_skus(items):
    """SKUs of the items in first-seen order, each once."""
    result = list(dict.fromkeys(item.sku for item in items))
    return sorted(result) if len(items) > 1000 else result`;

const fasterMissingSkus = `def missing_skus(wanted, available):
    """SKUs from \`wanted\` that are not in \`available\`, in order."""
    present = set(available)
    return [sku for sku in wanted if sku not in present]`;

// Same return value, but the caller's levels are left as they were.
const copyingRestock = `def restock(levels, minimum):
    """Raises every stock level below \`minimum\` to it, in place; returns the raised SKUs, sorted."""
    return sorted(sku for sku, level in levels.items() if level < minimum)`;

const dequeFulfil = `def fulfil(orders, stock):
    """Ships orders first come, first served while stock lasts; returns (shipped ids, backordered ids).

    Neither argument is changed.
    """
    queue = deque(orders)
    remaining = dict(stock)
    shipped = []
    backordered = []
    while queue:
        order = queue.popleft()
        if remaining.get(order["sku"], 0) >= order["qty"]:
            remaining[order["sku"]] -= order["qty"]
            shipped.append(order["id"])
        else:
            backordered.append(order["id"])
    return shipped, backordered`;

const fasterPriceOrders = `async def price_orders(orders, catalog):
    """Total price of each order; \`catalog\` is the pricing service's list of (sku, price) pairs, first one wins."""
    prices = {}
    for known, price in catalog:
        prices.setdefault(known, price)
    totals = []
    for order in orders:
        total = 0.0
        for sku, qty in order["lines"]:
            if sku in prices:
                total += prices[sku] * qty
        totals.append(round(total, 2))
        await asyncio.sleep(0)
    return totals`;

// Last price wins instead of the first: differs only where the catalog lists a SKU twice.
const lastPriceWins = `async def price_orders(orders, catalog):
    prices = dict(catalog)
    totals = []
    for order in orders:
        total = 0.0
        for sku, qty in order["lines"]:
            if sku in prices:
                total += prices[sku] * qty
        totals.append(round(total, 2))
        await asyncio.sleep(0)
    return totals`;

const fasterCountAvailable = `    def count_available(self, wanted):
        """How many of the wanted SKUs this warehouse stocks."""
        stocked = set(self.skus)
        return sum(1 for sku in wanted if sku in stocked)`;

// Correct count, but leaves a cache attribute on the warehouse: its state after the call differs.
const cachingCountAvailable = `    def count_available(self, wanted):
        self._stocked = set(self.skus)
        return sum(1 for sku in wanted if sku in self._stocked)`;

// Serves the newest order first.
const lastInFirstOut = `def fulfil(orders, stock):
    queue = list(orders)
    remaining = dict(stock)
    shipped = []
    backordered = []
    while queue:
        order = queue.pop()
        if remaining.get(order["sku"], 0) >= order["qty"]:
            remaining[order["sku"]] -= order["qty"]
            shipped.append(order["id"])
        else:
            backordered.append(order["id"])
    return shipped, backordered`;

const run = promisify(execFile);

// Targets whose tests assert a rejection or what was recorded, never a speedup.
const correctnessOnly = new Set(['restock', 'Warehouse.from_rows', 'Warehouse.size']);

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

describe.each(modes)('PythonHarness on a pytest repository (%s sandbox)', (mode) => {
  // The harness's logic is the same in both sandboxes: Docker runs the cases that exercise the sandbox itself
  // (copying in, running, recording, measuring), the process sandbox runs them all.
  const processOnly = mode === 'docker' ? it.skip : it;

  let fixture: FixtureRepo;
  let sandbox: Sandbox;
  let targets: Target[];

  beforeAll(async () => {
    fixture = await materializeFixture('py-inventory');
    targets = (await detectChangedFunctions({ repo: fixture.dir, base: fixture.base, head: fixture.head }))
      .targets;
    sandbox = await createSandbox({ mode, image: dockerTestImage, runId: `py-harness-test-${mode}` });
  });

  afterAll(async () => {
    await sandbox?.close();
    await fixture?.dispose();
  });

  const harnesses = preparedHarnesses(
    () => ({ sandbox, sourceDir: fixture.dir, targets }),
    async (target, workspace) =>
      new PythonHarness({
        workspace,
        target,
        sourceDir: fixture.dir,
        fileText: await readFile(join(fixture.dir, target.path), 'utf8'),
        minSpeedup: 0.1,
        rounds: 15,
        ...(correctnessOnly.has(target.name) ? fewestRounds : {}),
      }),
  );
  afterAll(() => harnesses.dispose());
  const prepare = (name: string) => harnesses.prepare(name);

  async function withHarness<T>(
    name: string,
    use: (harness: PythonHarness, prepared: Preparation) => Promise<T>,
  ): Promise<T> {
    const { harness, preparation } = await prepare(name);
    return use(harness, preparation);
  }

  function verified(evaluation: Evaluation): Extract<Evaluation, { status: 'verified' }> {
    expect(evaluation.status, JSON.stringify(evaluation)).toBe('verified');
    return evaluation as Extract<Evaluation, { status: 'verified' }>;
  }

  it('accepts a correct rewrite of list membership in a loop with a speedup whose interval excludes 1', async () => {
    const evaluation = await withHarness('unique_skus', async (harness, prepared) => {
      expect(prepared).toMatchObject({
        ok: true,
        capturedCalls: 2,
        skippedCalls: 0,
        tests: {
          runner: 'pytest',
          // test_report.py builds its rows from inventory.stock's Item.
          files: ['tests/test_report.py', 'tests/test_stock.py'],
          passedCount: 9,
          failedCount: 0,
        },
      });
      return harness.evaluate({ source: fasterUniqueSkus, imports: [] });
    });
    const { benchmark, differentialCalls } = verified(evaluation);
    expect(benchmark.estimate.low).toBeGreaterThan(1.1);
    expect(benchmark.uTestP).toBeLessThan(0.05);
    expect(differentialCalls).toBe(2);
    // Each side replayed alone in its own process: the sandbox measured its peak memory and memory-time integral.
    expect(benchmark.memory?.originalIntegralMibMs).toBeGreaterThan(0);
    expect(benchmark.memory?.candidateIntegralMibMs).toBeGreaterThan(0);
  });

  it('rejects a candidate that passes the tests but differs on one captured input, showing that input', async () => {
    const evaluation = await withHarness('unique_skus', (harness) =>
      harness.evaluate({ source: sortedOnLargeCatalogues, imports: [] }),
    );
    expect(evaluation).toMatchObject({ status: 'rejected', stage: 'differential', tests: { passed: true } });
    const reason = (evaluation as { reason: string }).reason;
    expect(reason).toMatch(
      /^differs from the original in its return value on captured call 1: input \(\[Item\(sku='sku-0', price=1\.5, qty=0\), /,
    );
    expect(reason).toMatch(/expected \['sku-0', 'sku-1', 'sku-2', .*got \['sku-0', 'sku-1', 'sku-10', /);
  });

  processOnly('accepts the set rewrite of a membership test over a list argument', async () => {
    const evaluation = await withHarness('missing_skus', (harness) =>
      harness.evaluate({ source: fasterMissingSkus, imports: [] }),
    );
    expect(verified(evaluation).benchmark.estimate.low).toBeGreaterThan(1.1);
  });

  processOnly(
    'rejects a candidate that leaves its argument unmutated where the original mutated it',
    async () => {
      const evaluation = await withHarness('restock', (harness) =>
        harness.evaluate({ source: copyingRestock, imports: [] }),
      );
      expect(evaluation).toMatchObject({
        status: 'rejected',
        stage: 'differential',
        tests: { passed: true },
      });
      const reason = (evaluation as { reason: string }).reason;
      expect(reason).toMatch(/^differs from the original in its argument mutation on captured call 0/);
      expect(reason).toMatch(
        /arguments after the call: expected \(\(\{'sku-0': 3, 'sku-1': 3, 'sku-2': 3, 'sku-3': 3,/,
      );
      expect(reason).toMatch(/got \(\(\{'sku-0': 0, 'sku-1': 1, 'sku-2': 2, 'sku-3': 3,/);
    },
  );

  processOnly(
    'verifies a candidate that needs `from collections import deque`, with the import edit applied',
    async () => {
      const evaluation = await withHarness('fulfil', async (harness, prepared) => {
        expect(prepared).toMatchObject({
          ok: true,
          capturedCalls: 2,
          tests: { runner: 'pytest', files: ['tests/test_orders.py'] },
        });
        return harness.evaluate({ source: dequeFulfil, imports: ['from collections import deque'] });
      });
      const result = verified(evaluation);
      expect(result.edits.imports).toEqual({
        startLine: 3,
        endLine: 3,
        original: 'import asyncio',
        replacement: 'import asyncio\nfrom collections import deque',
      });
      expect(result.benchmark.estimate.low).toBeGreaterThan(1.1);
    },
  );

  processOnly(
    'awaits async functions: accepts a correct rewrite and rejects one that differs on a duplicate SKU',
    async () => {
      const [good, bad] = await withHarness('price_orders', async (harness, prepared) => {
        expect(prepared).toMatchObject({ ok: true, capturedCalls: 1 });
        return [
          await harness.evaluate({ source: fasterPriceOrders, imports: [] }),
          await harness.evaluate({ source: lastPriceWins, imports: [] }),
        ];
      });
      expect(verified(good as Evaluation).benchmark.estimate.low).toBeGreaterThan(1.1);
      // The repository's test catches this one: sku-7 is listed twice and the first price is asserted.
      expect(bad).toMatchObject({ status: 'rejected', stage: 'tests' });
      expect((bad as { reason: string }).reason).toMatch(
        /PriceOrdersTest::test_prices_orders_from_the_catalog: AssertionError: 99\.0 != 1\.75/,
      );
    },
  );

  processOnly(
    'replays methods on a receiver rebuilt from the captured state and checks the receiver afterwards',
    async () => {
      const [good, bad] = await withHarness('Warehouse.count_available', async (harness, prepared) => {
        expect(prepared).toMatchObject({ ok: true, capturedCalls: 1 });
        return [
          await harness.evaluate({ source: fasterCountAvailable, imports: [] }),
          await harness.evaluate({ source: cachingCountAvailable, imports: [] }),
        ];
      });
      expect(verified(good as Evaluation).benchmark.estimate.low).toBeGreaterThan(1.1);
      expect(bad).toMatchObject({ status: 'rejected', stage: 'differential' });
      expect((bad as { reason: string }).reason).toMatch(
        /in its receiver state on captured call 0: input .* on \{'name': 'north', 'skus': \['sku-0', 'sku-2'/,
      );
    },
  );

  processOnly('records class methods and property getters', async () => {
    const fromRows = await withHarness('Warehouse.from_rows', async (_harness, p) => p);
    expect(fromRows).toMatchObject({ ok: true, capturedCalls: 1 });
    const size = await withHarness('Warehouse.size', async (_harness, p) => p);
    expect(size).toMatchObject({ ok: true, capturedCalls: 1 });
  });

  processOnly('skips a non-deterministic function with its reason', async () => {
    const prepared = await withHarness('batch_id', async (_harness, p) => p);
    expect(prepared).toMatchObject({ ok: false });
    expect((prepared as { reason: string }).reason).toMatch(
      /^non-deterministic: two runs of the original on captured call 0 differ in return value \('count-[0-9a-f]{12}' vs 'count-[0-9a-f]{12}'\)$/,
    );
  });

  it('skips a function no test calls with its reason', async () => {
    const prepared = await withHarness('describe_item', async (_harness, p) => p);
    expect(prepared).toEqual({
      ok: false,
      reason: 'not covered by tests: the tests never called `describe_item`',
    });
  });

  processOnly('skips a function whose module no test imports', async () => {
    const prepared = await withHarness('to_csv', async (_harness, p) => p);
    expect(prepared).toEqual({
      ok: false,
      reason: 'not covered by tests: no test file imports inventory.export',
    });
  });
});

describe('PythonHarness without pytest in the sandbox (process sandbox)', () => {
  let fixture: FixtureRepo;
  let sandbox: Sandbox;
  let workspace: Workspace;
  let venv: string;
  let harness: PythonHarness;

  beforeAll(async () => {
    fixture = await materializeFixture('py-inventory');
    // A virtual environment without packages: the same interpreter, but `import pytest` fails.
    venv = await mkdtemp(join(tmpdir(), 'afterburner-venv-'));
    await run('python3', ['-m', 'venv', '--without-pip', venv]);
    const target = (
      await detectChangedFunctions({ repo: fixture.dir, base: fixture.base, head: fixture.head })
    ).targets.find((t) => t.name === 'fulfil') as Target;
    sandbox = await createSandbox({ mode: 'process', image: dockerTestImage, runId: 'py-harness-unittest' });
    workspace = await sandbox.open({ sourceDir: fixture.dir });
    harness = new PythonHarness({
      workspace,
      target,
      sourceDir: fixture.dir,
      fileText: await readFile(join(fixture.dir, target.path), 'utf8'),
      minSpeedup: 0.1,
      // Its candidate fails the tests: the timing rounds of prepare()'s A/A calibration are not asserted on.
      ...fewestRounds,
      python: join(venv, 'bin', 'python3'),
    });
  });

  afterAll(async () => {
    await workspace?.dispose();
    await sandbox?.close();
    await fixture?.dispose();
    if (venv) await rm(venv, { recursive: true, force: true });
  });

  it('runs the relevant unittest files with plain unittest and reports failing tests by name', async () => {
    const prepared = await harness.prepare();
    expect(prepared).toMatchObject({
      ok: true,
      capturedCalls: 2,
      tests: { runner: 'unittest', files: ['tests/test_orders.py'], passedCount: 3, failedCount: 0 },
    });
    const evaluation = await harness.evaluate({ source: lastInFirstOut, imports: [] });
    expect(evaluation).toMatchObject({ status: 'rejected', stage: 'tests', tests: { failedCount: 2 } });
    expect((evaluation as { reason: string }).reason).toMatch(
      /tests\.test_orders\.FulfilTest\.test_ships_in_order_while_stock_lasts: [\s\S]*AssertionError/,
    );
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Evaluation, NodeHarness } from '../../src/harness/index.js';
import { dockerAvailable } from '../helpers/docker.js';
import { fixtureSandbox } from '../helpers/fixture-sandbox.js';
import { fewestRounds, preparedHarnesses } from '../helpers/prepared-harnesses.js';

const fasterUniqBy = `function uniqBy(items, iteratee) {
  const keys = new Set();
  const result = [];
  for (const item of items) {
    const key = iteratee(item);
    if (!keys.has(key)) {
      keys.add(key);
      result.push(item);
    }
  }
  return result;
}`;

// Same results, but asks the iteratee about an item the original never passed it.
const probingUniqBy = `function uniqBy(items, iteratee) {
  iteratee({ probe: true });
  const keys = new Set();
  return items.filter((item) => {
    const key = iteratee(item);
    return keys.has(key) ? false : (keys.add(key), true);
  });
}`;

const fasterIndexBy = `function indexBy(records, field) {
  const index = new Map();
  for (const record of records) if (!index.has(record[field])) index.set(record[field], record);
  return function lookup(value) {
    return index.get(value);
  };
}`;

// The tests still pass (they read only `age`), but the returned lookup answers a tagged copy of the record.
const countingIndexBy = `function indexBy(records, field) {
  return function lookup(value) {
    const record = records.find((r) => r[field] === value);
    return record && { ...record, found: true };
  };
}`;

// Counts right (the tests pass) but sorts the caller's list in place.
const sortingCountWhere = `function countWhere(predicate) {
  return (items) => items.sort((a, b) => a.age - b.age).filter((item) => predicate(item)).length;
}`;

const loopCountWhere = `function countWhere(predicate) {
  return (items) => {
    let count = 0;
    for (const item of items) if (predicate(item)) count++;
    return count;
  };
}`;

const fasterReachable = `function reachable(graph, start) {
  const seen = new Set([start]);
  const order = [start];
  for (let head = 0; head < order.length; head++) {
    for (const next of graph.neighbors(order[head])) {
      if (!seen.has(next)) {
        seen.add(next);
        order.push(next);
      }
    }
  }
  return order;
}`;

// Same order, but leaves a visited flag on the caller's graph.
const markingReachable = `function reachable(graph, start) {
  const order = [start];
  graph.visited = { [start]: true };
  for (let head = 0; head < order.length; head++) {
    for (const next of graph.neighbors(order[head])) {
      if (!graph.visited[next]) {
        graph.visited[next] = true;
        order.push(next);
      }
    }
  }
  return order;
}`;

// Targets whose tests accept any verdict on the correct candidate and assert the wrong one's rejection.
const correctnessOnly = new Set(['indexBy', 'countWhere']);

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

describe.each(modes)(
  'NodeHarness on callbacks and returned functions, a file at the root (%s sandbox)',
  (mode) => {
    // The harness's logic is the same in both sandboxes: Docker runs the cases that exercise the sandbox itself
    // (copying in, running, recording, measuring), the process sandbox runs them all.
    const processOnly = mode === 'docker' ? it.skip : it;
    const suite = fixtureSandbox('collection-helpers', mode);
    afterAll(() => harnesses.dispose());

    const harnesses = preparedHarnesses(
      () => ({ sandbox: suite.sandbox, sourceDir: suite.fixture.dir, targets: suite.targets }),
      async (target, workspace) =>
        new NodeHarness({
          workspace,
          target,
          sourceDir: suite.fixture.dir,
          fileText: await readFile(join(suite.fixture.dir, target.path), 'utf8'),
          testCommand: 'node --test test/',
          minSpeedup: 0.1,
          rounds: 15,
          ...(correctnessOnly.has(target.name) ? fewestRounds : {}),
        }),
    );

    async function evaluate(name: string, source: string): Promise<Evaluation> {
      const { harness, preparation } = await harnesses.prepare(name);
      expect(preparation, JSON.stringify(preparation)).toMatchObject({ ok: true });
      return harness.evaluate({ source, imports: [] });
    }

    it('finds the functions of index.js at the repository root', () => {
      expect(suite.targets.map((t) => `${t.path}:${t.name}`).sort()).toEqual([
        'index.js:countWhere',
        'index.js:graphOf',
        'index.js:indexBy',
        'index.js:reachable',
        'index.js:uniqBy',
      ]);
    });

    it('records calls whose argument is a callback and verifies a faster rewrite on them', async () => {
      const { preparation } = await harnesses.prepare('uniqBy');
      expect(preparation).toMatchObject({ ok: true, capturedCalls: 2, skippedCalls: 0 });
      const evaluation = await evaluate('uniqBy', fasterUniqBy);
      expect(evaluation.status, JSON.stringify(evaluation)).toBe('verified');
    });

    it('rejects a candidate that calls the callback with something the original never passed', async () => {
      const evaluation = await evaluate('uniqBy', probingUniqBy);
      expect(evaluation).toMatchObject({ status: 'rejected', stage: 'differential' });
      expect((evaluation as { reason: string }).reason).toMatch(
        /callback calls on captured call 0: .*calls a callback with \[ \{ probe: true \} \], which the original never did/,
      );
    });

    processOnly('compares returned functions by replaying the calls the tests made to them', async () => {
      // Correct on every replayed follow-up call; whether building a Map beats a few finds on load is not the point.
      const correct = await evaluate('indexBy', fasterIndexBy);
      expect(
        correct.status === 'verified' || ['not-faster', 'regression'].includes(correct.stage),
        JSON.stringify(correct),
      ).toBe(true);
      const wrong = await evaluate('indexBy', countingIndexBy);
      expect(wrong).toMatchObject({ status: 'rejected', stage: 'differential' });
      expect((wrong as { reason: string }).reason).toMatch(
        /return value when the function it returned was called \(follow-up call \d+\).*expected .*got /,
      );
    });

    processOnly(
      'answers a curried function’s callback from what it said when the returned function called it',
      async () => {
        const wrong = await evaluate('countWhere', sortingCountWhere);
        expect(wrong).toMatchObject({ status: 'rejected', stage: 'differential' });
        expect((wrong as { reason: string }).reason).toMatch(
          /argument mutation when the function it returned was called \(follow-up call 1\)/,
        );
        const same = await evaluate('countWhere', loopCountWhere);
        expect(['verified', 'rejected']).toContain(same.status);
        expect((same as { stage?: string }).stage ?? 'benchmark').not.toBe('differential');
      },
    );

    processOnly(
      'rebuilds class instances passed as arguments on their class, and checks their state afterwards',
      async () => {
        const { preparation } = await harnesses.prepare('reachable');
        expect(preparation).toMatchObject({ ok: true, capturedCalls: 2, skippedCalls: 0 });
        const verified = await evaluate('reachable', fasterReachable);
        expect(verified.status, JSON.stringify(verified)).toBe('verified');
        const marking = await evaluate('reachable', markingReachable);
        expect(marking).toMatchObject({ status: 'rejected', stage: 'differential' });
        expect((marking as { reason: string }).reason).toMatch(/argument mutation on captured call 0/);
      },
    );
  },
);

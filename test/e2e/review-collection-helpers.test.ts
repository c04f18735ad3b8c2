import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { type ModelReview, reviewWithModel } from '../helpers/review-run.js';

// Real projects keep helpers in a CommonJS index.js at the root, take callbacks, return closures, and curry.
const answers: Record<string, string> = {
  uniqBy: `function uniqBy(items, iteratee) {
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
}`,
  indexBy: `function indexBy(records, field) {
  const index = new Map();
  for (const record of records) if (!index.has(record[field])) index.set(record[field], record);
  return function lookup(value) {
    return index.get(value);
  };
}`,
  // Passes the tests (they never look at the list afterwards) but sorts the caller's list in place.
  countWhere: `function countWhere(predicate) {
  return (items) => items.sort((a, b) => a.age - b.age).filter((item) => predicate(item)).length;
}`,
};

answers.graphOf = `function graphOf(pairs) {
  const graph = new Graph();
  for (const [from, to] of pairs) graph.addEdge(from, to);
  return graph;
}`;
answers.reachable = `function reachable(graph, start) {
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

// The process sandbox only: recording callbacks and closures in the Docker image is covered by the harness's own
// test (node-harness-callbacks.test.ts runs both sandboxes); this end-to-end run checks the whole review.
const modes = ['process'] as const;

describe.each(modes)(
  'afterburner review of a root CommonJS file with callbacks and closures, %s sandbox',
  (mode) => {
    let fixture: FixtureRepo;
    let run: ModelReview;

    beforeAll(async () => {
      fixture = await materializeFixture('collection-helpers');
      run = await reviewWithModel({
        fixture,
        mode,
        label: 'helpers',
        answer: (request) => {
          const prompt = request.messages.map((m) => m.content).join('\n');
          const name = Object.keys(answers).find((n) => prompt.includes(`\`${n}\``)) as string;
          return `\`\`\`javascript\n${answers[name]}\n\`\`\``;
        },
        args: ['--rounds', '20', '--iterations', '1', '--candidates', '1', '--rules', 'off'],
      });
    });

    afterAll(async () => {
      await run?.model.close();
      await fixture?.dispose();
    });

    it('completes in the requested sandbox', () => {
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.report.sandbox.kind).toBe(mode);
    });

    it('suggests the callback helper, the closure factory and the graph walk, verified on the calls the tests made', () => {
      expect(run.report.suggestions.map((s) => s.name).sort()).toEqual(['indexBy', 'reachable', 'uniqBy']);
      for (const suggestion of run.report.suggestions) {
        expect(suggestion.path).toBe('index.js');
        expect(suggestion.replacement).toBe(answers[suggestion.name]);
        expect(suggestion.benchmark.verdict).toBe('faster');
      }
    });

    it('rejects the curried rewrite whose returned function differs, naming the follow-up call', () => {
      const skip = run.report.skipped.find((s) => s.name === 'countWhere');
      expect(skip?.reason).toMatch(
        /argument mutation when the function it returned was called \(follow-up call 1\)/,
      );
    });
  },
);

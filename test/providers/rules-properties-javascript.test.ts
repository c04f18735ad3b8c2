import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterIndexDedupe } from '../../src/languages/javascript/rules/filter-index-dedupe.js';
import { filterLengthSome } from '../../src/languages/javascript/rules/filter-length-some.js';
import { findJoinMap } from '../../src/languages/javascript/rules/find-join-map.js';
import { includesDedupe } from '../../src/languages/javascript/rules/includes-dedupe.js';
import { objectKeysIncludes } from '../../src/languages/javascript/rules/object-keys-includes.js';
import { reduceSpreadAccumulator } from '../../src/languages/javascript/rules/reduce-spread-accumulator.js';
import { regexpHoist } from '../../src/languages/javascript/rules/regexp-hoist.js';
import { setMembership } from '../../src/languages/javascript/rules/set-membership.js';
import { shiftQueue } from '../../src/languages/javascript/rules/shift-queue.js';
import { spreadReassign } from '../../src/languages/javascript/rules/spread-reassign.js';
import { rewrite } from './rules-fixtures/harness.js';
import {
  adversarialKey,
  adversarialScalar,
  expectRuleKeepsBehaviour,
  objectOf,
  sparseArrayOf,
} from './rules-fixtures/properties.js';

// Each rule, on the functions its own tests use, against the original on generated inputs: results, thrown error
// types and what happened to the arguments must all match.

const record = objectOf(fc.array(fc.tuple(adversarialKey, adversarialScalar), { maxLength: 3 }));
const keyedRecord = fc.record({ id: fc.oneof(adversarialKey, adversarialScalar), v: adversarialScalar });
const list = sparseArrayOf(adversarialScalar);

describe('reduce-spread-accumulator keeps behaviour on every input', () => {
  it('with a computed key (`__proto__`, `constructor`, numbers…)', async () => {
    await expectRuleKeepsBehaviour({
      rule: reduceSpreadAccumulator,
      source: 'function index(records) { return records.reduce((acc, r) => ({ ...acc, [r.id]: r.v }), {}); }',
      args: fc.tuple(fc.array(keyedRecord, { maxLength: 6 })),
      examples: [[[{ id: '__proto__', v: { polluted: true } }]]],
    });
  });

  it('counting words, reading the accumulator', async () => {
    await expectRuleKeepsBehaviour({
      rule: reduceSpreadAccumulator,
      source: `function countWords(words) {
  return words.reduce((counts, word) => ({ ...counts, [word]: (counts[word] || 0) + 1 }), {});
}`,
      args: fc.tuple(fc.array(adversarialKey, { maxLength: 8 })),
      examples: [[['__proto__', '__proto__']]],
    });
  });

  it('with fixed keys and an array accumulator', async () => {
    await expectRuleKeepsBehaviour({
      rule: reduceSpreadAccumulator,
      source: `function pairs(xs) {
  const last = xs.reduce((acc, x) => ({ ...acc, last: x, 'with space': x, 7: x }), {});
  return [last, xs.reduce((acc, x) => [...acc, x, acc.length], [])];
}`,
      args: fc.tuple(list),
    });
  });
});

describe('spread-reassign keeps behaviour on every input', () => {
  it('with a computed key', async () => {
    await expectRuleKeepsBehaviour({
      rule: spreadReassign,
      source: `function index(records) {
  let acc = {};
  for (const r of records) acc = { ...acc, [r.id]: r.v };
  return acc;
}`,
      args: fc.tuple(fc.array(keyedRecord, { maxLength: 6 })),
      examples: [[[{ id: '__proto__', v: { polluted: true } }]]],
    });
  });

  it('with an array', async () => {
    await expectRuleKeepsBehaviour({
      rule: spreadReassign,
      source: `function doubled(xs) {
  let out = [];
  for (const x of xs) out = [...out, x, x];
  return out;
}`,
      args: fc.tuple(list),
    });
  });
});

// A string receiver (substring test), NaN and holes with indexOf (`===`) are where a plain Set would differ.
describe('set-membership keeps behaviour on every input', () => {
  const featured = fc.oneof(list, fc.string({ maxLength: 3 }));
  it('with includes (SameValueZero), on arrays and strings', async () => {
    await expectRuleKeepsBehaviour({
      rule: setMembership,
      source: `function shared(tags, featured) {
  const out = [];
  for (const t of tags) if (featured.includes(t)) out.push(t);
  return out;
}`,
      args: fc.tuple(fc.array(adversarialScalar, { maxLength: 6 }), featured),
      examples: [[['ab'], 'abc']],
    });
  });

  it('with indexOf (strict equality: NaN never found, holes skipped)', async () => {
    await expectRuleKeepsBehaviour({
      rule: setMembership,
      source: `function shared(tags, featured) {
  return tags.filter((t) => featured.indexOf(t) !== -1);
}`,
      args: fc.tuple(fc.array(adversarialScalar, { maxLength: 6 }), featured),
      examples: [
        [[Number.NaN], [Number.NaN]],
        [[undefined], [, 1]],
      ],
    });
  });

  it('on an array built in the function (no Array.isArray guard)', async () => {
    const rewritten = await expectRuleKeepsBehaviour({
      rule: setMembership,
      source: `function shared(tags, picked) {
  const featured = Array.from(picked);
  const out = [];
  for (const t of tags) if (featured.indexOf(t) !== -1 || featured.includes(t)) out.push(t);
  return out;
}`,
      args: fc.tuple(fc.array(adversarialScalar, { maxLength: 6 }), featured),
      examples: [
        [[Number.NaN], [Number.NaN]],
        [[undefined], [, 1]],
      ],
    });
    expect(rewritten).toContain('const featuredSet = new Set(featured.filter((v) => !Number.isNaN(v)));');
  });

  it('on a literal of strings and on Object.keys (never NaN, no holes)', async () => {
    const rewritten = await expectRuleKeepsBehaviour({
      rule: setMembership,
      source: `function shared(tags, config) {
  const allowed = ['a', '__proto__', '0'];
  const names = Object.keys(config);
  return tags.filter((t) => allowed.indexOf(t) >= 0 && names.indexOf(t) === -1);
}`,
      args: fc.tuple(fc.array(adversarialScalar, { maxLength: 6 }), record),
    });
    expect(rewritten).toContain('const allowedSet = new Set(allowed);');
  });
});

describe('includes-dedupe keeps behaviour on every input', () => {
  it('deduplicating values', async () => {
    await expectRuleKeepsBehaviour({
      rule: includesDedupe,
      source: `function unique(xs) {
  const out = [];
  for (const x of xs) if (!out.includes(x)) out.push(x);
  return out;
}`,
      args: fc.tuple(list),
    });
  });

  it('with `var`, `indexOf(x) === -1` and `out[out.length] = x` (NaN never found by indexOf)', async () => {
    await expectRuleKeepsBehaviour({
      rule: includesDedupe,
      source: `function unique(xs) {
  var out = [];
  for (var i = 0; i < xs.length; i++) {
    var x = xs[i];
    if (out.indexOf(x) === -1) out[out.length] = x;
  }
  return out;
}`,
      args: fc.tuple(list),
    });
  });
});

describe('filter-index-dedupe keeps behaviour on every input', () => {
  it('keeping first occurrences', async () => {
    await expectRuleKeepsBehaviour({
      rule: filterIndexDedupe,
      source: 'function unique(tags) { return tags.filter((tag, i) => tags.indexOf(tag) === i); }',
      args: fc.tuple(list),
    });
  });
});

describe('find-join-map keeps behaviour on every input', () => {
  const customer = fc.oneof(
    fc.record({ id: adversarialScalar, name: fc.string({ maxLength: 2 }) }),
    fc.constantFrom(null, undefined),
  );
  const customers = fc.oneof(sparseArrayOf(customer), fc.string({ maxLength: 2 }));
  it('with find', async () => {
    await expectRuleKeepsBehaviour({
      rule: findJoinMap,
      source:
        'function join(orders, customers) { return orders.map((o) => customers.find((c) => c.id === o)); }',
      args: fc.tuple(fc.array(adversarialScalar, { maxLength: 5 }), customers),
      examples: [
        [[1], [null, { id: 1, name: 'a' }]],
        [[], 'ab'],
      ],
    });
  });

  it('with filter', async () => {
    await expectRuleKeepsBehaviour({
      rule: findJoinMap,
      source:
        'function join(orders, customers) { return orders.map((o) => customers.filter((c) => c.id === o)); }',
      args: fc.tuple(fc.array(adversarialScalar, { maxLength: 5 }), customers),
    });
  });
});

describe('shift-queue keeps behaviour on every input', () => {
  it('draining a queue that grows', async () => {
    await expectRuleKeepsBehaviour({
      rule: shiftQueue,
      source: `function drain(xs) {
  const queue = [...xs];
  const out = [];
  while (queue.length > 0) {
    const x = queue.shift();
    out.push(x);
    if (typeof x === 'number' && x > 0) queue.push(x - 1);
  }
  return out;
}`,
      args: fc.tuple(list),
    });
  });

  it('draining a queue built with Array.from from any iterable', async () => {
    await expectRuleKeepsBehaviour({
      rule: shiftQueue,
      source: `function flatten(items) {
  const queue = Array.from(items);
  const out = [];
  while (queue.length) {
    const next = queue.shift();
    if (Array.isArray(next)) queue.push(...next);
    else out.push(next);
  }
  return out;
}`,
      args: fc.tuple(fc.oneof(list, fc.array(list, { maxLength: 4 }), fc.string({ maxLength: 4 }))),
    });
  });
});

describe('regexp-hoist keeps behaviour on every input', () => {
  it('with test and match', async () => {
    await expectRuleKeepsBehaviour({
      rule: regexpHoist,
      source: `function comments(lines) {
  return lines.map((line) => [new RegExp('^\\\\s*#', 'u').test(line), String(line).match(new RegExp('(a)|b', 'i'))]);
}`,
      args: fc.tuple(fc.array(fc.oneof(adversarialScalar, fc.string({ maxLength: 4 })), { maxLength: 5 })),
    });
  });
});

describe('object-keys-includes keeps behaviour on every input', () => {
  it('on objects, arrays, strings and nullish values, with any key', async () => {
    await expectRuleKeepsBehaviour({
      rule: objectKeysIncludes,
      source: 'function has(config, name) { return Object.keys(config).includes(name); }',
      args: fc.tuple(
        fc.oneof(record, list, fc.string({ maxLength: 2 }), fc.constantFrom(null, undefined, 0)),
        fc.oneof(adversarialKey, adversarialScalar),
      ),
    });
  });
});

describe('filter-length-some keeps behaviour on every input', () => {
  it('with a comparison predicate', async () => {
    await expectRuleKeepsBehaviour({
      rule: filterLengthSome,
      source: 'function anyWanted(ids, wanted) { return ids.filter((id) => id === wanted).length > 0; }',
      args: fc.tuple(list, adversarialScalar),
    });
  });

  it('with typeof, ! and ?: on null elements', async () => {
    await expectRuleKeepsBehaviour({
      rule: filterLengthSome,
      source:
        "function mixed(xs, flag) { return xs.filter((x, i) => (flag ? typeof x !== 'string' : !x && i !== 1)).length === 0; }",
      args: fc.tuple(list, fc.boolean()),
    });
  });

  // `some` would stop before a later element that throws (null.id) or runs a getter: no rewrite at all.
  it('declines a predicate that can throw on a later element', async () => {
    const source = 'function anyWanted(xs, id) { return xs.filter((x) => x.id === id).length > 0; }';
    expect(await rewrite(source, [filterLengthSome])).toBeNull();
    const before = new Function(`return (${source})`)();
    expect(() => before([{ id: 1 }, null], 1)).toThrow(TypeError);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { filterIndexDedupe } from '../../src/languages/javascript/rules/filter-index-dedupe.js';
import { filterLengthSome } from '../../src/languages/javascript/rules/filter-length-some.js';
import { findJoinMap } from '../../src/languages/javascript/rules/find-join-map.js';
import { includesDedupe } from '../../src/languages/javascript/rules/includes-dedupe.js';
import { objectKeysIncludes } from '../../src/languages/javascript/rules/object-keys-includes.js';
import { regexpHoist } from '../../src/languages/javascript/rules/regexp-hoist.js';
import { shiftQueue } from '../../src/languages/javascript/rules/shift-queue.js';
import { spreadReassign } from '../../src/languages/javascript/rules/spread-reassign.js';
import type { Rule } from '../../src/providers/rules/rule.js';
import {
  expectPreserved,
  expectSameBehaviour,
  loadPair,
  nearMissOf,
  removeScratchDir,
  rewrite,
  speedup,
} from './rules-fixtures/harness.js';

afterAll(removeScratchDir);

function range(n: number): number[];
function range<T>(n: number, f: (i: number) => T): T[];
function range(n: number, f: (i: number) => unknown = (i) => i): unknown[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/** Wraps a function body in `async function f(xs, ys) { … }` for the negative cases. */
async function expectNoRewrite(rule: Rule, body: string): Promise<void> {
  const source = `async function f(xs, ys) {\n  ${body}\n}`;
  expect(await rewrite(source, [rule])).toBeNull();
}

async function expectFaster(
  original: string,
  rewritten: string,
  name: string,
  args: unknown[],
  atLeast = 1.5,
) {
  const { before, after } = await loadPair({ original, rewritten, name, inputs: [] });
  const ratio = speedup(before, after, args);
  if (process.env.RULES_SPEEDUP_LOG) console.log(`speedup ${name}: ${ratio.toFixed(1)}x`);
  expect(ratio).toBeGreaterThanOrEqual(atLeast);
}

describe('includes-dedupe', () => {
  const unique = `function unique(xs) {
  const out = [];
  for (const x of xs) {
    if (!out.includes(x)) out.push(x);
  }
  return out;
}`;

  it('keeps a Set beside the array, gives the same results and is faster', async () => {
    const rewritten = (await rewrite(unique, [includesDedupe])) ?? '';
    expect(rewritten).toBe(`function unique(xs) {
  const out = [];
  const outSeen = new Set();
  for (const x of xs) {
    if (!outSeen.has(x)) { outSeen.add(x); out.push(x); }
  }
  return out;
}`);
    await expectPreserved(unique, rewritten, /out/);
    await expectSameBehaviour({
      original: unique,
      rewritten,
      name: 'unique',
      inputs: [[[]], [[1, '1', 1, Number.NaN, Number.NaN, 0, -0, null, undefined, null]], [[3, , 3]]],
    });
    await expectFaster(unique, rewritten, 'unique', [range(4000)]);
  });

  it('takes the visited-list shape of older code: `var`, `indexOf(x) === -1`, `refs[refs.length] = x` (qs)', async () => {
    const compact = `function compact(values) {
  var refs = [];
  var out = [];
  for (var i = 0; i < values.length; ++i) {
    var val = values[i];
    if (typeof val === 'object' && val !== null && refs.indexOf(val) === -1) {
      refs[refs.length] = val;
      out.push(val);
    }
  }
  return out;
}`;
    const rewritten = (await rewrite(compact, [includesDedupe])) ?? '';
    expect(rewritten).toBe(`function compact(values) {
  const refsSeen = new Set();
  var out = [];
  for (var i = 0; i < values.length; ++i) {
    var val = values[i];
    if (typeof val === 'object' && val !== null && !(val === val && refsSeen.has(val))) {
      refsSeen.add(val);
      out.push(val);
    }
  }
  return out;
}`);
    const shared = { a: 1 };
    await expectSameBehaviour({
      original: compact,
      rewritten,
      name: 'compact',
      inputs: [[[]], [[shared, shared, { a: 1 }, null, 3, shared]]],
    });
    const many = range(3000).map((n) => ({ n }));
    await expectFaster(compact, rewritten, 'compact', [[...many, ...many]]);
  });

  it('guards NaN where indexOf cannot find it, and leaves a var used before its declaration alone', async () => {
    const found = `function firstSeen(xs) {
  var out = [];
  xs.forEach(function (x) {
    if (out.indexOf(x) < 0) out.push(x);
  });
  return out;
}`;
    const rewritten = (await rewrite(found, [includesDedupe])) ?? '';
    expect(rewritten).toContain('if (!(x === x && outSeen.has(x))) { outSeen.add(x); out.push(x); }');
    await expectSameBehaviour({
      original: found,
      rewritten,
      name: 'firstSeen',
      inputs: [[[Number.NaN, Number.NaN, 0, -0, 1, '1', 1]]],
    });
    const hoisted = `function late(xs) {
  for (const x of xs) if (out.indexOf(x) === -1) out.push(x);
  var out = [];
  return out;
}`;
    expect(await rewrite(hoisted, [includesDedupe])).toBeNull();
  });

  it('removes the array it left filled but unread, and keeps one that is still read', async () => {
    const dedupe = `function dedupe(xs) {
  const seen = [];
  const out = [];
  for (const x of xs) {
    if (!seen.includes(x)) {
      seen.push(x);
      out.push(x);
    }
  }
  return out;
}`;
    const rewritten = (await rewrite(dedupe, [includesDedupe])) ?? '';
    expect(rewritten).toBe(`function dedupe(xs) {
  const seenSeen = new Set();
  const out = [];
  for (const x of xs) {
    if (!seenSeen.has(x)) {
      seenSeen.add(x);
      out.push(x);
    }
  }
  return out;
}`);
    await expectSameBehaviour({
      original: dedupe,
      rewritten,
      name: 'dedupe',
      inputs: [[[1, 2, 1, Number.NaN]], [[]]],
    });
    // Still read after the loop: the array stays.
    const measured = dedupe.replace('return out;', 'return [out, seen.length];');
    expect(await rewrite(measured, [includesDedupe])).toContain('const seen = [];');
  });

  it('handles pushes in statement blocks and inside expressions', async () => {
    const source = `function f(xs) {
  const out = [];
  xs.forEach((x) => {
    if (out.includes(x)) return;
    out.push(x);
  });
  for (const y of xs) out.includes(y) || out.push(y);
  return out.length;
}`;
    const rewritten = (await rewrite(source, [includesDedupe])) ?? '';
    expect(rewritten).toContain('    outSeen.add(x);\n    out.push(x);');
    expect(rewritten).toContain('outSeen.has(y) || (outSeen.add(y), out.push(y));');
    await expectSameBehaviour({ original: source, rewritten, name: 'f', inputs: [[[1, 2, 1, 3]], [[]]] });
  });

  it.each([
    ['sorted', 'const out = [];\n  for (const x of xs) if (!out.includes(x)) out.push(x);\n  out.sort();'],
    [
      'spliced',
      'const out = [];\n  for (const x of xs) { if (!out.includes(x)) out.push(x); out.splice(0, 1); }',
    ],
    [
      'written by index',
      'const out = [];\n  for (const x of xs) { if (!out.includes(x)) out[0] = x; out.push(x); }',
    ],
    [
      'passed to a call',
      'const out = [];\n  for (const x of xs) { if (!out.includes(x)) out.push(x); track(out); }',
    ],
    [
      'pushed an expression',
      'const out = [];\n  for (const x of xs) if (!out.includes(x.id)) out.push(x.id);',
    ],
    ['pushed two values', 'const out = [];\n  for (const x of xs) if (!out.includes(x)) out.push(x, x);'],
    [
      'returned from a callback',
      'const out = [];\n  for (const x of xs) if (!out.includes(x)) out.push(x);\n  return () => out;',
    ],
    ['not a fresh array', 'const out = ys;\n  for (const x of xs) if (!out.includes(x)) out.push(x);'],
    ['not empty at first', 'const out = [1];\n  for (const x of xs) if (!out.includes(x)) out.push(x);'],
    ['reassigned', 'let out = [];\n  for (const x of xs) if (!out.includes(x)) out.push(x);\n  out = [];'],
    ['a parameter', 'for (const x of xs) if (!ys.includes(x)) ys.push(x);'],
    ['tested outside loops', 'const out = [];\n  if (!out.includes(xs)) out.push(xs);'],
  ])('proposes nothing when the array is %s', async (_, body) => {
    await expectNoRewrite(includesDedupe, body);
  });
});

describe('shift-queue', () => {
  const bfs = `function bfs(root) {
  const order = [];
  const queue = [root];
  while (queue.length > 0) {
    const node = queue.shift();
    order.push(node.id);
    for (const child of node.children) queue.push(child);
  }
  return order;
}`;
  const tree = (size: number) => {
    const nodes = range(size, (id) => ({ id, children: [] as unknown[] })) as {
      id: number;
      children: unknown[];
    }[];
    nodes.forEach((node, i) => i > 0 && nodes[Math.floor((i - 1) / 3)]?.children.push(node));
    return nodes[0];
  };

  it('reads with a head index, gives the same order and is faster', async () => {
    const rewritten = (await rewrite(bfs, [shiftQueue])) ?? '';
    expect(rewritten).toBe(`function bfs(root) {
  const order = [];
  const queue = [root];
  let queueHead = 0;
  while (queueHead < queue.length) {
    const node = queue[queueHead++];
    order.push(node.id);
    for (const child of node.children) queue.push(child);
  }
  return order;
}`);
    await expectPreserved(bfs, rewritten, /queue/);
    await expectSameBehaviour({ original: bfs, rewritten, name: 'bfs', inputs: [[tree(1)], [tree(40)]] });
    await expectFaster(bfs, rewritten, 'bfs', [tree(40_000)]);
  });

  it('accepts a truthy length test and an assignment from shift', async () => {
    const source =
      'function drain(xs) {\n  let x;\n  const q = [...xs];\n  let sum = 0;\n  while (q.length) {\n    x = q.shift();\n    sum += x;\n  }\n  return sum;\n}';
    const rewritten = (await rewrite(source, [shiftQueue])) ?? '';
    expect(rewritten).toContain('while (qHead < q.length) {\n    x = q[qHead++];');
    await expectSameBehaviour({ original: source, rewritten, name: 'drain', inputs: [[[1, 2, 3]], [[]]] });
  });

  it('accepts a queue built with Array.from, as d3 builds one from its arguments', async () => {
    const source =
      'function flatten(arrays) {\n  const queue = Array.from(arrays);\n  const out = [];\n  while (queue.length > 0) {\n    const next = queue.shift();\n    if (Array.isArray(next)) queue.push(...next);\n    else out.push(next);\n  }\n  return out;\n}';
    const rewritten = (await rewrite(source, [shiftQueue])) ?? '';
    expect(rewritten).toContain('const next = queue[queueHead++];');
    await expectSameBehaviour({
      original: source,
      rewritten,
      name: 'flatten',
      inputs: [[[[1, [2, [3]]], 4]], [new Set([1, 2])], [[]]],
    });
  });

  it.each([
    ['used after the loop', 'const q = [xs];\n  while (q.length) { const x = q.shift(); }\n  return q;'],
    [
      'a slice of something that may be a string',
      'const q = xs.slice();\n  while (q.length) { const x = q.shift(); }',
    ],
    [
      'measured inside the loop',
      'const q = [xs];\n  while (q.length) { const x = q.shift(); ys.push(q.length); }',
    ],
    ['shifted later in the body', 'const q = [xs];\n  while (q.length) { ys.push(1); const x = q.shift(); }'],
    ['shifted twice', 'const q = [xs];\n  while (q.length) { const x = q.shift(); q.shift(); }'],
    ['unshifted', 'const q = [xs];\n  while (q.length) { const x = q.shift(); if (x) q.unshift(1); }'],
    ['a parameter', 'while (xs.length) { const x = xs.shift(); }'],
    [
      'declared outside an enclosing loop',
      'const q = [];\n  for (const y of ys) { q.push(y); while (q.length) { const x = q.shift(); } }',
    ],
    ['tested another way', 'const q = [xs];\n  while (q.length > 1) { const x = q.shift(); }'],
    ['passed on', 'const q = [xs];\n  while (q.length) { const x = q.shift(); visit(q); }'],
  ])('proposes nothing when the queue is %s', async (_, body) => {
    await expectNoRewrite(shiftQueue, body);
  });

  it.each([
    [
      'const q = xs.slice();\n  while (q.length) { const x = q.shift(); }',
      /`q` starts as `xs\.slice\(\)`, not a new array/,
    ],
    ['while (xs.length) { const x = xs.shift(); }', /`xs` is not declared in the function/],
    [
      'const q = [xs];\n  while (q.length) { const x = q.shift(); }\n  return q;',
      /`q` is used outside the loop other than by `push` \(`return q;`\)/,
    ],
    [
      'const q = [xs];\n  while (q.length) { const x = q.shift(); visit(q); }',
      /`q` is used inside the loop other than by `push`/,
    ],
  ])('names the condition a queue loop fails: %s', async (body, why) => {
    const source = `async function f(xs, ys) {\n  ${body}\n}`;
    expect(await nearMissOf(source, shiftQueue)).toMatch(why);
  });

  it('has no near miss where there is no queue loop, or where it rewrites', async () => {
    expect(await nearMissOf('function f(xs) {\n  return xs.length;\n}', shiftQueue)).toBeNull();
    expect(
      await nearMissOf(
        'function f(xs) {\n  const q = [xs];\n  while (q.length) { const x = q.shift(); }\n}',
        shiftQueue,
      ),
    ).toBeNull();
  });
});

describe('find-join-map', () => {
  const join = `function join(orders, customers) {
  return orders.map((o) => ({ ...o, customer: customers.find((c) => c.id === o.customerId) }));
}`;
  const groups = `function groups(customers, orders) {
  const out = [];
  for (const c of customers) {
    const mine = orders.filter((o) => c.id === o.customerId);
    out.push([c.id, mine]);
  }
  return out;
}`;
  const customers = [{ id: 1 }, { id: 'x' }, { id: 1, dup: true }, { id: Number.NaN }, { id: -0 }, null];
  const orders = [
    { customerId: 1 },
    { customerId: 'x' },
    { customerId: Number.NaN },
    { customerId: 0 },
    { customerId: 9 },
  ];

  it('indexes find lookups once (first match wins, no NaN) and is faster', async () => {
    const rewritten = (await rewrite(join, [findJoinMap])) ?? '';
    expect(rewritten).toBe(`function join(orders, customers) {
  let customersById = Array.isArray(customers) ? new Map() : null;
  for (const c of customersById ? customers : []) { if (c == null) { customersById = null; break; } if (c.id === c.id && !customersById.has(c.id)) customersById.set(c.id, c); }
  return orders.map((o) => ({ ...o, customer: (customersById ? customersById.get(o.customerId) : customers.find((c) => c.id === o.customerId)) }));
}`);
    await expectPreserved(join, rewritten, /customers/);
    await expectSameBehaviour({
      original: join,
      rewritten,
      name: 'join',
      inputs: [
        [[], []],
        [orders, customers.slice(0, 5)],
        [[{ customerId: 1 }], [{ id: 1 }, null]],
      ],
    });
    // Without the object spread, whose garbage makes timings noisy.
    const lookup =
      'function lookup(orders, customers) {\n  return orders.map((o) => customers.find((c) => c.id === o.customerId));\n}';
    const lookupRewritten = (await rewrite(lookup, [findJoinMap])) ?? '';
    const many = range(4000, (id) => ({ id }));
    await expectFaster(lookup, lookupRewritten, 'lookup', [
      range(4000, (i) => ({ customerId: 3999 - i })),
      many,
    ]);
  });

  it('groups filter lookups in order, returning fresh arrays', async () => {
    const rewritten = (await rewrite(groups, [findJoinMap])) ?? '';
    expect(rewritten).toContain(
      'for (const o of ordersByCustomerId ? orders : []) { if (o == null) { ordersByCustomerId = null; break; } if (o.customerId === o.customerId) (ordersByCustomerId.get(o.customerId) ?? ordersByCustomerId.set(o.customerId, []).get(o.customerId)).push(o); }',
    );
    expect(rewritten).toContain(
      'const mine = (ordersByCustomerId ? (ordersByCustomerId.get(c.id) ?? []).slice() : orders.filter((o) => c.id === o.customerId));',
    );
    await expectPreserved(groups, rewritten, /orders/);
    const groupsInput = [customers.slice(0, 5), [...orders, { customerId: 1, n: 2 }]];
    await expectSameBehaviour({
      original: groups,
      rewritten,
      name: 'groups',
      inputs: [groupsInput, [[], []]],
    });
    const many = range(3000, (id) => ({ id }));
    await expectFaster(groups, rewritten, 'groups', [many, range(3000, (i) => ({ customerId: i }))]);
  });

  it.each([
    ['elements change', 'for (const y of ys) { const x = xs.find((c) => c.id === y); x.id = 0; }'],
    ['unknown code runs', 'for (const y of ys) { const x = xs.find((c) => c.id === y); touch(x); }'],
    ['the array grows', 'for (const y of ys) { const x = xs.find((c) => c.id === y); xs.push(x); }'],
    ['loose equality is used', 'for (const y of ys) { const x = xs.find((c) => c.id == y); }'],
    ['the key uses the element', 'for (const y of ys) { const x = xs.find((c) => c.id === c.other); }'],
    ['the key calls something', 'for (const y of ys) { const x = xs.find((c) => c.id === y.key()); }'],
    ['the lookup is not repeated', 'return xs.find((c) => c.id === ys);'],
    [
      'the array is declared after',
      'for (const y of ys) { const x = zs.find((c) => c.id === y); }\n  const zs = [];',
    ],
    ['a computed key is compared', 'for (const y of ys) { const x = xs.find((c) => c[y] === 1); }'],
  ])('proposes nothing when %s', async (_, body) => {
    await expectNoRewrite(findJoinMap, body);
  });
});

describe('spread-reassign', () => {
  const doubled = `function doubled(xs) {
  let out = [];
  for (const x of xs) {
    out = [...out, x * 2];
  }
  return out;
}`;
  const counts = `function counts(words) {
  let acc = {};
  for (const w of words) acc = { ...acc, [w]: (acc[w] || 0) + 1 };
  return acc;
}`;

  it('pushes in place, gives the same array and is faster', async () => {
    const rewritten = (await rewrite(doubled, [spreadReassign])) ?? '';
    expect(rewritten).toBe(doubled.replace('out = [...out, x * 2];', 'out.push(x * 2);'));
    await expectPreserved(doubled, rewritten, /out = \[\.\.\.out/);
    await expectSameBehaviour({ original: doubled, rewritten, name: 'doubled', inputs: [[[]], [[1, 2, 3]]] });
    await expectFaster(doubled, rewritten, 'doubled', [range(4000)]);
  });

  it('assigns into an object accumulator, keeping key order', async () => {
    const rewritten = (await rewrite(counts, [spreadReassign])) ?? '';
    expect(rewritten).toContain(
      "for (const w of words) { if (w === '__proto__' || typeof w === 'object' || typeof w === 'function') acc = { ...acc, [w]: (acc[w] || 0) + 1 }; else { acc[w] = (acc[w] || 0) + 1; } }",
    );
    await expectPreserved(counts, rewritten, /acc = \{/);
    await expectSameBehaviour({
      original: counts,
      rewritten,
      name: 'counts',
      inputs: [[['b', 'a', 'b', '2', '1']], [[]]],
    });
    await expectFaster(counts, rewritten, 'counts', [range(2000, (i) => `w${i}`)]);
  });

  it.each([
    ['a parameter', 'for (const x of xs) ys = [...ys, x];\n  return ys;'],
    [
      'kept elsewhere',
      'let out = [];\n  const all = [];\n  for (const x of xs) { all.push(out); out = [...out, x]; }',
    ],
    [
      'captured by a callback',
      'let out = [];\n  const size = () => out.length;\n  for (const x of xs) out = [...out, x];',
    ],
    ['iterated while growing', 'let out = [];\n  for (const x of out) out = [...out, x];'],
    ["the caller's array", 'let out = ys;\n  for (const x of xs) out = [...out, x];'],
    ['extended by another spread', 'let out = [];\n  for (const x of xs) out = [...out, ...x];'],
    ['reassigned outside loops only', 'let out = [];\n  out = [...out, xs];'],
    ['given a __proto__ key', 'let o = {};\n  for (const x of xs) o = { ...o, __proto__: x };'],
  ])('proposes nothing when the variable is %s', async (_, body) => {
    await expectNoRewrite(spreadReassign, body);
  });
});

describe('regexp-hoist', () => {
  const comments = `function comments(lines) {
  return lines.filter((line) => new RegExp('^\\\\s*#+\\\\s*todo', 'i').test(line));
}`;

  it('compiles once before the loop, same matches, faster', async () => {
    const rewritten = (await rewrite(comments, [regexpHoist])) ?? '';
    expect(rewritten).toBe(`function comments(lines) {
  const pattern = new RegExp('^\\\\s*#+\\\\s*todo', 'i');
  return lines.filter((line) => pattern.test(line));
}`);
    await expectPreserved(comments, rewritten, /RegExp/);
    const lines = ['# TODO x', '  ## todo', 'todo', '#x todo'];
    await expectSameBehaviour({ original: comments, rewritten, name: 'comments', inputs: [[lines], [[]]] });
    await expectFaster(comments, rewritten, 'comments', [
      range(100_000, (i) => (i % 3 ? `# todo ${i}` : `x${i}`)),
    ]);
  });

  it('hoists a replace pattern used in a for loop of an arrow function', async () => {
    const source =
      'const clean = (xs) => {\n  const out = [];\n  for (const x of xs) out.push(x.replace(new RegExp("[aeiou]"), \'_\'));\n  return out;\n};';
    const rewritten = (await rewrite(source, [regexpHoist])) ?? '';
    expect(rewritten).toContain(
      '  const pattern = new RegExp("[aeiou]");\n  for (const x of xs) out.push(x.replace(pattern, \'_\'));',
    );
    await expectSameBehaviour({ original: source, rewritten, name: 'clean', inputs: [[['banana', 'sky']]] });
  });

  it.each([
    ['global', "for (const x of xs) if (new RegExp('a', 'g').test(x)) ys.push(x);"],
    ['sticky', "for (const x of xs) if (new RegExp('a', 'y').test(x)) ys.push(x);"],
    ['invalid', "for (const x of xs) if (new RegExp('(', 'i').test(x)) ys.push(x);"],
    ['built from a variable', 'for (const x of xs) if (new RegExp(x).test(x)) ys.push(x);'],
    ['kept', "for (const x of xs) ys.push(new RegExp('a'));"],
    ['not in a loop', "return new RegExp('a').test(xs);"],
    [
      'in a deferred callback',
      "return () => xs.some((x) => new RegExp('a').test(x)) && setTimeout(() => new RegExp('b').test(ys));",
    ],
    ['shadowed', "const RegExp = Object;\n  for (const x of xs) new RegExp('a').test(x);"],
  ])('proposes nothing when the regex is %s', async (_, body) => {
    await expectNoRewrite(regexpHoist, body);
  });
});

describe('filter-index-dedupe', () => {
  const distinct = 'export const distinct = (xs) => xs.filter((x, i) => xs.indexOf(x) === i);';

  it('replaces the indexOf search with a fresh Set, NaN dropped as before, faster', async () => {
    const rewritten = (await rewrite(distinct, [filterIndexDedupe])) ?? '';
    expect(rewritten).toBe(`export const distinct = (xs) => {
  const seen = new Set();
  return xs.filter((x) => x === x && !seen.has(x) && seen.add(x));
};`);
    await expectPreserved(distinct, rewritten, /filter/);
    const pair = { original: distinct, rewritten, name: 'distinct', wrap: '%s' };
    await expectSameBehaviour({
      ...pair,
      inputs: [
        [[]],
        [[1, '1', 1, Number.NaN, Number.NaN, -0, 0, undefined, null, undefined]],
        [[1, , 1, undefined]],
      ],
    });
    const { before, after } = await loadPair({ ...pair, inputs: [] });
    expect(speedup(before, after, [range(5000)])).toBeGreaterThanOrEqual(1.5);
  });

  it('puts the Set right before the statement inside a loop, and accepts the self parameter', async () => {
    const source = `function perGroup(groups) {
  const out = [];
  for (const g of groups) {
    const unique = g.items.filter((v, i, self) => i === self.indexOf(v));
    out.push(unique);
  }
  return out;
}`;
    const rewritten = (await rewrite(source, [filterIndexDedupe])) ?? '';
    expect(rewritten).toContain(
      '    const seen = new Set();\n    const unique = g.items.filter((v) => v === v && !seen.has(v) && seen.add(v));',
    );
    await expectSameBehaviour({
      original: source,
      rewritten,
      name: 'perGroup',
      inputs: [[[{ items: [1, 1, 2] }, { items: [1, 2, 2] }]]],
    });
  });

  it.each([
    ['lastIndexOf', 'return xs.filter((x, i) => xs.lastIndexOf(x) === i);'],
    ['a different test', 'return xs.filter((x, i) => xs.indexOf(x) !== i);'],
    ['another array', 'return xs.filter((x, i) => ys.indexOf(x) === i);'],
    ['a computed receiver', 'return xs.slice().filter((x, i) => xs.indexOf(x) === i);'],
    ['in a loop condition', 'while (xs.filter((x, i) => xs.indexOf(x) === i).length > 1) xs.pop();'],
  ])('proposes nothing for %s', async (_, body) => {
    await expectNoRewrite(filterIndexDedupe, body);
  });
});

describe('object-keys-includes', () => {
  const known = `function known(config, names) {
  let hits = 0;
  for (const name of names) if (Object.keys(config).includes(name)) hits++;
  return hits;
}`;

  it('asks the object directly for string keys, falls back otherwise, faster', async () => {
    const rewritten = (await rewrite(known, [objectKeysIncludes])) ?? '';
    expect(rewritten).toContain(
      "if ((typeof name === 'string' ? Object.prototype.propertyIsEnumerable.call(config, name) : Object.keys(config).includes(name))) hits++;",
    );
    await expectPreserved(known, rewritten, /Object\.keys/);
    const config = { a: 1, 2: 'two', length: 3, __proto__: { inherited: true } };
    const hidden = Object.defineProperty([1, 2], 'hidden', { value: 1, enumerable: false });
    await expectSameBehaviour({
      original: known,
      rewritten,
      name: 'known',
      inputs: [
        [config, ['a', '2', 2, 'length', 'inherited', 'toString', 'missing']],
        [hidden, ['0', 'length', 'hidden', 0]],
        ['text', ['0', '9']],
        [null, []],
        [null, ['a']],
      ],
    });
    const big = Object.fromEntries(range(3000, (i) => [`k${i}`, i]));
    await expectFaster(known, rewritten, 'known', [big, range(3000, (i) => `k${i * 2}`)]);
  });

  it.each([
    ['the key is computed by a call', 'return Object.keys(xs).includes(ys.key());'],
    ['Object is shadowed', 'const Object = ys;\n  return Object.keys(xs).includes("a");'],
    ['keys are taken of a call result', 'return Object.keys(load()).includes(ys);'],
  ])('proposes nothing when %s', async (_, body) => {
    await expectNoRewrite(objectKeysIncludes, body);
  });
});

describe('filter-length-some', () => {
  const hasAdmin = `function hasAdmin(roles) {
  if (roles.filter((r) => r === 'admin').length > 0) return 'yes';
  return roles.filter((r) => typeof r !== 'string').length === 0 ? 'clean' : 'mixed';
}`;

  it('stops at the first match, same answers, faster', async () => {
    const rewritten = (await rewrite(hasAdmin, [filterLengthSome])) ?? '';
    expect(rewritten).toBe(`function hasAdmin(roles) {
  if (roles.some((r) => r === 'admin')) return 'yes';
  return !roles.some((r) => typeof r !== 'string') ? 'clean' : 'mixed';
}`);
    await expectPreserved(hasAdmin, rewritten, /filter/);
    await expectSameBehaviour({
      original: hasAdmin,
      rewritten,
      name: 'hasAdmin',
      inputs: [[[]], [['admin']], [['x', , 3]], [['x', null]]],
    });
    const roles = range(300_000, (i) => (i === 0 ? 'admin' : 'user'));
    await expectFaster(hasAdmin, rewritten, 'hasAdmin', [roles]);
  });

  it('rewrites truthiness tests of the count', async () => {
    const source =
      'function f(xs) {\n  while (!xs.filter((x) => x === 3).length) xs.push(xs.length);\n  return xs;\n}';
    const rewritten = (await rewrite(source, [filterLengthSome])) ?? '';
    expect(rewritten).toContain('while (!xs.some((x) => x === 3)) xs.push(xs.length);');
    await expectSameBehaviour({ original: source, rewritten, name: 'f', inputs: [[[1]], [[5]]] });
  });

  it.each([
    ['the predicate calls something', 'return xs.filter((x) => seen.add(x)).length > 0;'],
    ['the predicate assigns', 'return xs.filter((x) => (count += x)).length > 0;'],
    ['the predicate is a block', 'return xs.filter((x) => { return x; }).length > 0;'],
    ['the predicate is a named function', 'return xs.filter(isBad).length > 0;'],
    ['more than one match is asked for', 'return xs.filter((x) => x).length > 1;'],
    ['the count itself is used', 'const n = xs.filter((x) => x).length;\n  return n;'],
    ['the count is combined', 'return ys && xs.filter((x) => x).length;'],
    // A later element could throw (null.role) or run code (a getter, valueOf) that `some` would skip.
    ['the predicate reads a property', 'return xs.filter((x) => x.role === "admin").length > 0;'],
    ['the predicate compares with <', 'return xs.filter((x) => x > 3).length > 0;'],
    ['the predicate compares with ==', 'return xs.filter((x) => x == 3).length > 0;'],
    ['the predicate destructures', 'return xs.filter(({ role }) => role).length > 0;'],
    ['the predicate has a default', 'return xs.filter((x = f()) => x).length > 0;'],
  ])('proposes nothing when %s', async (_, body) => {
    await expectNoRewrite(filterLengthSome, body);
  });
});

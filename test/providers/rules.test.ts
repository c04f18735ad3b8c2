import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parser } from 'web-tree-sitter';
import { createParser } from '../../src/detect/tree-sitter.js';
import type { Target } from '../../src/detect/types.js';
import { reduceSpreadAccumulator } from '../../src/languages/javascript/rules/reduce-spread-accumulator.js';
import { setMembership } from '../../src/languages/javascript/rules/set-membership.js';
import {
  javascriptRules,
  pythonRules,
  RulesProvider,
  rewriteWithRules,
  ruleCatalog,
  rules,
} from '../../src/providers/rules/index.js';
import { parseFunctionSnippet } from '../../src/providers/rules/snippet.js';
import { nearMissOf } from './rules-fixtures/harness.js';

type Fn = (...args: unknown[]) => unknown;
type Rule = (typeof rules)[number];

let parser: Parser;
let moduleDir: string;
let moduleCount = 0;

beforeAll(async () => {
  parser = await createParser('javascript');
  moduleDir = await mkdtemp(join(tmpdir(), 'afterburner-rules-'));
});

afterAll(async () => {
  await rm(moduleDir, { recursive: true, force: true });
});

function rewrite(source: string, only: readonly Rule[] = rules): string | null {
  return rewriteWithRules(parser, source, only)?.source ?? null;
}

/** The rewrite is still exactly one function, without ERROR or MISSING nodes. */
function expectParsesCleanly(source: string): void {
  const snippet = parseFunctionSnippet(parser, source);
  expect(snippet, `does not parse cleanly:\n${source}`).not.toBeNull();
  snippet?.dispose();
}

async function importModule(code: string): Promise<Record<string, unknown>> {
  const file = join(moduleDir, `candidate-${moduleCount++}.mjs`);
  await writeFile(file, code);
  return import(pathToFileURL(file).href);
}

/** Runs original and rewrite on the same (fresh copies of the) inputs; results must match, key order included. */
async function expectSameBehaviour(
  original: string,
  rewritten: string,
  pick: (module: Record<string, unknown>) => Fn,
  inputs: unknown[][],
): Promise<void> {
  const before = pick(await importModule(original));
  const after = pick(await importModule(rewritten));
  for (const args of inputs) {
    const expected = before(...structuredClone(args));
    const actual = after(...structuredClone(args));
    expect(actual).toStrictEqual(expected);
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  }
}

const exported =
  (name: string) =>
  (module: Record<string, unknown>): Fn =>
    module[name] as Fn;

function asClass(methodSource: string): string {
  return `export class Subject {\n${methodSource}\n}`;
}

const method =
  (name: string) =>
  (module: Record<string, unknown>): Fn => {
    const Subject = module.Subject as new () => Record<string, Fn>;
    const instance = new Subject();
    return (...args) => instance[name]?.(...args);
  };

describe('set-membership', () => {
  const sharedTags = `export function sharedTags(posts, featured) {
  const result = [];
  for (const post of posts) {
    for (const tag of post.tags) {
      if (featured.includes(tag) && !result.includes(tag)) result.push(tag);
    }
  }
  return result;
}`;

  it('hoists the loop-invariant array of the demo fixture, and leaves the mutated one alone', async () => {
    const rewritten = rewrite(sharedTags, [setMembership]);
    // A parameter may be a string (substring test): the Set is built only for an array.
    expect(rewritten).toBe(`export function sharedTags(posts, featured) {
  const result = [];
  const featuredSet = Array.isArray(featured) ? new Set(featured) : null;
  for (const post of posts) {
    for (const tag of post.tags) {
      if ((featuredSet ? featuredSet.has(tag) : featured.includes(tag)) && !result.includes(tag)) result.push(tag);
    }
  }
  return result;
}`);
    expectParsesCleanly(rewritten ?? '');
    await expectSameBehaviour(sharedTags, rewritten ?? '', exported('sharedTags'), [
      [[], ['a']],
      [
        [{ tags: ['a', 'b', 'c'] }, { tags: ['c', 'a', 'd'] }],
        ['c', 'a', 'x'],
      ],
      [[{ tags: [1, '1', Number.NaN, 0] }], [Number.NaN, -0, '1']],
      [[{ tags: ['ab', 'b'] }], 'abc'],
    ]);
  });

  it('rewrites an indexOf test in a single-line function inline', async () => {
    const missingIds =
      'export function missingIds(wanted, present) { return wanted.filter((id) => present.indexOf(id) === -1); }';
    const rewritten = rewrite(missingIds);
    expect(rewritten).toBe(
      'export function missingIds(wanted, present) { const presentSet = Array.isArray(present) ? new Set(present.filter((v) => !Number.isNaN(v))) : null; return wanted.filter((id) => (presentSet ? !presentSet.has(id) : present.indexOf(id) === -1)); }',
    );
    expectParsesCleanly(rewritten ?? '');
    await expectSameBehaviour(missingIds, rewritten ?? '', exported('missingIds'), [
      [[], []],
      [
        [1, 2, 3, 4],
        [2, 4, 6],
      ],
      [['a', 'b'], ['b']],
      [
        [Number.NaN, undefined, 'b'],
        [Number.NaN, , 'b'],
      ],
      [['ab', 'x'], 'abc'],
    ]);
  });

  it('turns an expression-bodied arrow into a block body', async () => {
    const keep = 'export const keep = (a, b) => a.filter((t) => b.includes(t));';
    const rewritten = rewrite(keep);
    expect(rewritten).toBe(`export const keep = (a, b) => {
  const bSet = Array.isArray(b) ? new Set(b) : null;
  return a.filter((t) => (bSet ? bSet.has(t) : b.includes(t)));
};`);
    expectParsesCleanly(rewritten ?? '');
    await expectSameBehaviour(keep, rewritten ?? '', exported('keep'), [
      [
        [1, 2, 3],
        [3, 1],
      ],
      [[], [1]],
    ]);
  });

  it('keeps the indentation of a class method and handles every indexOf comparison', async () => {
    const source = `  classify(items, permissions) {
    const allowed = Object.keys(permissions);
    return items.map((item) => [
      allowed.indexOf(item) !== -1,
      allowed.indexOf(item) != -1,
      allowed.indexOf(item) > -1,
      allowed.indexOf(item) >= 0,
      allowed.indexOf(item) === -1,
      allowed.indexOf(item) == -1,
      allowed.indexOf(item) < 0,
      -1 !== allowed.indexOf(item),
      0 <= allowed.indexOf(item),
      0 > allowed.indexOf(item),
    ]);
  }`;
    const rewritten = rewrite(source);
    // Object.keys makes a fresh array of strings: no guard, and no NaN for indexOf to miss.
    expect(rewritten).toBe(`  classify(items, permissions) {
    const allowed = Object.keys(permissions);
    const allowedSet = new Set(allowed);
    return items.map((item) => [
      allowedSet.has(item),
      allowedSet.has(item),
      allowedSet.has(item),
      allowedSet.has(item),
      !allowedSet.has(item),
      !allowedSet.has(item),
      !allowedSet.has(item),
      allowedSet.has(item),
      allowedSet.has(item),
      !allowedSet.has(item),
    ]);
  }`);
    expectParsesCleanly(rewritten ?? '');
    await expectSameBehaviour(asClass(source), asClass(rewritten ?? ''), method('classify'), [
      [['a', 'b', 'c', 'toString'], { b: 1, z: 2 }],
    ]);
  });

  it('handles while loops, module-level arrays, tabs and several receivers at once', async () => {
    const source = `function pick(items, left) {
\tconst right = ['x', 'y'];
\tconst out = [];
\tlet i = 0;
\twhile (i < items.length) {
\t\tif (left.includes(items[i]) || ALLOWED.includes(items[i]) || right.includes(items[i])) out.push(items[i]);
\t\ti++;
\t}
\treturn out;
}`;
    const rewritten = rewrite(source);
    expect(rewritten).toBe(`function pick(items, left) {
\tconst right = ['x', 'y'];
\tconst out = [];
\tlet i = 0;
\tconst leftSet = Array.isArray(left) ? new Set(left) : null;
\tconst ALLOWED_SET = Array.isArray(ALLOWED) ? new Set(ALLOWED) : null;
\tconst rightSet = new Set(right);
\twhile (i < items.length) {
\t\tif ((leftSet ? leftSet.has(items[i]) : left.includes(items[i])) || (ALLOWED_SET ? ALLOWED_SET.has(items[i]) : ALLOWED.includes(items[i])) || rightSet.has(items[i])) out.push(items[i]);
\t\ti++;
\t}
\treturn out;
}`);
    const asModule = (code: string) => `const ALLOWED = ['q'];\nexport ${code}`;
    await expectSameBehaviour(asModule(source), asModule(rewritten ?? ''), exported('pick'), [
      [['a', 'x', 'q', 'b', 'y'], ['b']],
    ]);
  });

  it('rewrites object-literal members and keeps CRLF line breaks', () => {
    const property = '  keep: (a, b) => a.filter((t) => b.includes(t)),';
    expect(rewrite(property)).toBe(`  keep: (a, b) => {
    const bSet = Array.isArray(b) ? new Set(b) : null;
    return a.filter((t) => (bSet ? bSet.has(t) : b.includes(t)));
  },`);
    const crlf = 'function f(a) {\r\n  const b = [1, 2];\r\n  return a.filter((t) => b.includes(t));\r\n}';
    expect(rewrite(crlf)).toBe(
      'function f(a) {\r\n  const b = [1, 2];\r\n  const bSet = new Set(b);\r\n  return a.filter((t) => bSet.has(t));\r\n}',
    );
  });

  it('proposes nothing across a yield or when a callback receives the array itself', () => {
    const generator = 'function* f(xs, seen) {\n  for (const x of xs) if (seen.includes(x)) yield x;\n}';
    expect(rewrite(generator)).toBeNull();
    const aliasing =
      'function f(xs, seen) {\n  seen.forEach((v, i, all) => all.push(v));\n  return xs.filter((x) => seen.includes(x));\n}';
    expect(rewrite(aliasing)).toBeNull();
  });

  it('leaves a test nested inside another test of the same array alone', () => {
    const source =
      'function f(xs, seen) {\n  return xs.filter((x) => seen.indexOf(seen.indexOf(x) === -1) === -1);\n}';
    expect(rewrite(source)).toBe(
      'function f(xs, seen) {\n  const seenSet = Array.isArray(seen) ? new Set(seen.filter((v) => !Number.isNaN(v))) : null;\n  return xs.filter((x) => (seenSet ? !seenSet.has(seen.indexOf(x) === -1) : seen.indexOf(seen.indexOf(x) === -1) === -1));\n}',
    );
  });

  it('does not treat a possibly-string receiver as an array, unless it is evidently built as one', () => {
    const substring = 'function f(dirs, path) {\n  return dirs.some((dir) => path.includes(dir));\n}';
    expect(rewrite(substring)).toBeNull();
    const constant = 'function f(rows, allowed) {\n  return rows.filter((r) => allowed.includes("x"));\n}';
    expect(rewrite(constant)).toBeNull();
    const array =
      "function f(xs) {\n  const path = ['a', 'b'];\n  return xs.filter((x) => path.includes(x));\n}";
    expect(rewrite(array)).toContain('const pathSet = new Set(path);');
  });

  it('picks a Set name the function does not already use', () => {
    const source = `function f(items, tags) {
  const tagsSet = 1;
  return items.filter((i) => tags.includes(i) && tagsSet);
}`;
    expect(rewrite(source)).toContain('const tagsSet2 = Array.isArray(tags) ? new Set(tags) : null;');
  });

  it('proposes for the unproblematic version of the negative cases below (control)', () => {
    const source = `async function f(xs, seen) {
  const out = [];
  for (var x of xs) { if (seen.includes(x)) out.push(x); }
  return out;
}`;
    expect(rewrite(source, [setMembership])).toContain(
      'if (seenSet ? seenSet.has(x) : seen.includes(x)) out.push(x);',
    );
  });

  it.each([
    ['mutated inside the loop', 'for (const x of xs) { if (!seen.includes(x)) seen.push(x); }'],
    ['reassigned', 'for (const x of xs) { if (seen.includes(x)) seen = []; }'],
    ['compound-assigned', 'for (const x of xs) { if (seen.includes(x)) out.push(x); }\n  seen += 1;'],
    ['incremented', 'for (const x of xs) { if (seen.includes(x)) seen++; }'],
    ['written by index', 'for (const x of xs) { if (!seen.includes(x)) seen[0] = x; }'],
    ['truncated', 'for (const x of xs) { if (seen.includes(x)) out.push(x); }\n  seen.length = 0;'],
    ['sorted', 'seen.sort();\n  for (const x of xs) { if (seen.includes(x)) out.push(x); }'],
    ['passed to a call', 'for (const x of xs) { track(seen); if (seen.includes(x)) out.push(x); }'],
    ['aliased', 'const alias = seen;\n  for (const x of xs) { if (seen.includes(x)) out.push(x); }'],
    ['tested outside any loop', 'if (seen.includes(xs)) out.push(xs);'],
    ['tested in a deferred callback', 'return (x) => seen.includes(x);'],
    ['tested in a non-iterating callback', 'setTimeout(() => { for (const x of xs) seen.includes(x); });'],
    ['shadowed by a callback parameter', 'return xs.map((seen) => out.filter((o) => seen.includes(o)));'],
    [
      'declared inside the loop',
      'for (const x of xs) { const own = [x]; if (own.includes(x)) out.push(x); }',
    ],
    ['given a fromIndex', 'for (const x of xs) { if (seen.includes(x, 1)) out.push(x); }'],
    ['optionally chained', 'for (const x of xs) { if (seen?.includes(x)) out.push(x); }'],
    ['a string', 'const text = seen.join();\n  for (const x of xs) { if (text.includes(x)) out.push(x); }'],
    [
      'used as a string',
      'for (const x of xs) { if (seen.includes(x.toLowerCase())) out.push(seen.trim()); }',
    ],
    ['awaited in between', 'for (const x of xs) { await tick(); if (seen.includes(x)) out.push(x); }'],
    ['indexOf used as an index', 'for (const x of xs) { out.push(seen.indexOf(x)); }'],
    [
      'tested where Set is shadowed',
      'const Set = Array;\n  for (const x of xs) { if (seen.includes(x)) out.push(x); }',
    ],
  ])('proposes nothing when the array is %s', (_, body) => {
    const source = `async function f(xs, seen) {\n  const out = [];\n  ${body}\n  return out;\n}`;
    expectParsesCleanly(source);
    expect(rewrite(source, [setMembership])).toBeNull();
  });

  it.each([
    [
      'function f(values, others) {\n  const kept = others.filter((o) => values.includes(o));\n  return new InternSet(values).size + kept.length;\n}',
      /`values` is passed on, stored, returned or changed \(`new InternSet\(values\)`\)/,
    ],
    [
      'function f(path, parts) {\n  return parts.filter((p) => path.includes(p));\n}',
      /`path` may be a string, whose `includes` is a substring test/,
    ],
    [
      'async function f(ids, rows) {\n  for (const r of rows) {\n    if (ids.includes(r.id)) await save(r);\n  }\n}',
      /an `await` or `yield` between the loop's tests lets other code change `ids`/,
    ],
  ])('names the condition a membership test in a loop fails: %s', async (source, why) => {
    expect(await nearMissOf(source, setMembership)).toMatch(why);
  });

  it('has no near miss for a membership test outside any loop', async () => {
    expect(
      await nearMissOf('function f(xs, x) {\n  return xs.includes(x) && g(xs);\n}', setMembership),
    ).toBeNull();
  });
});

describe('reduce-spread-accumulator', () => {
  it('rewrites the demo fixture: computed key, expression-bodied arrows', async () => {
    const indexById =
      'export const indexById = (records) => records.reduce((acc, record) => ({ ...acc, [record.id]: record }), {});';
    const rewritten = rewrite(indexById);
    expect(rewritten).toBe(`export const indexById = (records) => records.reduce((acc, record) => {
  if (record.id === '__proto__' || typeof record.id === 'object' || typeof record.id === 'function') return ({ ...acc, [record.id]: record });
  acc[record.id] = record;
  return acc;
}, {});`);
    expectParsesCleanly(rewritten ?? '');
    await expectSameBehaviour(indexById, rewritten ?? '', exported('indexById'), [
      [[]],
      [
        [
          { id: 'b', n: 1 },
          { id: 'a', n: 2 },
          { id: 'b', n: 3 },
          { id: 2, n: 4 },
        ],
      ],
    ]);
  });

  it('handles identifier, string, number and shorthand keys in a block body inside a class method', async () => {
    const source = `  summarize(rows) {
    return rows.reduce((acc, row) => {
      const label = row.name.toUpperCase();
      return { ...acc, last: row.id, 'with space': label, 7: true, label };
    }, {});
  }`;
    const rewritten = rewrite(source);
    expect(rewritten).toBe(`  summarize(rows) {
    return rows.reduce((acc, row) => {
      const label = row.name.toUpperCase();
      acc.last = row.id;
      acc['with space'] = label;
      acc[7] = true;
      acc.label = label;
      return acc;
    }, {});
  }`);
    expectParsesCleanly(rewritten ?? '');
    await expectSameBehaviour(asClass(source), asClass(rewritten ?? ''), method('summarize'), [
      [[]],
      [
        [
          { id: 1, name: 'a' },
          { id: 2, name: 'b' },
        ],
      ],
    ]);
  });

  it('keeps a counting entry that reads the accumulator', async () => {
    const source = `export function countWords(words) {
  return words.reduce(
    (counts, word) => ({
      ...counts,
      [word]: (counts[word] || 0) + 1,
    }),
    {},
  );
}`;
    const rewritten = rewrite(source);
    expect(rewritten).toBe(`export function countWords(words) {
  return words.reduce(
    (counts, word) => {
      if (word === '__proto__' || typeof word === 'object' || typeof word === 'function') return ({
      ...counts,
      [word]: (counts[word] || 0) + 1,
    });
      counts[word] = (counts[word] || 0) + 1;
      return counts;
    },
    {},
  );
}`);
    await expectSameBehaviour(source, rewritten ?? '', exported('countWords'), [
      [['a', 'b', 'a', 'c', 'a']],
      [[]],
    ]);
  });

  it('keeps a one-line block body on one line', async () => {
    const source =
      'export const byName = (xs) => xs.reduce((acc, x) => { return { ...acc, [x.name]: x.v }; }, {});';
    const rewritten = rewrite(source);
    expect(rewritten).toBe(
      "export const byName = (xs) => xs.reduce((acc, x) => { if (x.name === '__proto__' || typeof x.name === 'object' || typeof x.name === 'function') return { ...acc, [x.name]: x.v }; acc[x.name] = x.v; return acc; }, {});",
    );
    await expectSameBehaviour(source, rewritten ?? '', exported('byName'), [
      [
        [
          { name: 'a', v: 1 },
          { name: 'b', v: 2 },
        ],
      ],
    ]);
  });

  it('turns an array spread into push, in arrow and function callbacks', async () => {
    const source = `export function pairs(xs) {
  const doubled = xs.reduce((acc, x) => [...acc, x, x * 2], []);
  return doubled.reduce(function (acc, x) {
    return [...acc, acc.length + x];
  }, []);
}`;
    const rewritten = rewrite(source);
    expect(rewritten).toBe(`export function pairs(xs) {
  const doubled = xs.reduce((acc, x) => (acc.push(x, x * 2), acc), []);
  return doubled.reduce(function (acc, x) {
    return (acc.push(acc.length + x), acc);
  }, []);
}`);
    expectParsesCleanly(rewritten ?? '');
    await expectSameBehaviour(source, rewritten ?? '', exported('pairs'), [[[1, 2, 3]], [[]]]);
  });

  it('proposes for the unproblematic version of the negative cases below (control)', () => {
    const source = 'function f(xs, start) {\n  return xs.reduce((acc, x) => ({ ...acc, [x]: 1 }), {});\n}';
    expect(rewrite(source, [reduceSpreadAccumulator])).toContain('acc[x] = 1;');
  });

  it.each([
    ['a non-literal initial value', 'xs.reduce((acc, x) => ({ ...acc, [x]: 1 }), start)'],
    ['a non-empty initial object', 'xs.reduce((acc, x) => ({ ...acc, [x]: 1 }), { a: 1 })'],
    ['a non-empty initial array', 'xs.reduce((acc, x) => [...acc, x], [0])'],
    ['a mismatched initial value', 'xs.reduce((acc, x) => [...acc, x], {})'],
    ['a __proto__ key', 'xs.reduce((acc, x) => ({ ...acc, __proto__: x }), {})'],
    ['a quoted __proto__ key', "xs.reduce((acc, x) => ({ ...acc, '__proto__': x }), {})"],
    ['another spread', 'xs.reduce((acc, x) => ({ ...acc, ...x }), {})'],
    ['the spread not first', 'xs.reduce((acc, x) => ({ [x]: 1, ...acc }), {})'],
    ['a spread of something else', 'xs.reduce((acc, x) => ({ ...x, [x.id]: acc }), {})'],
    ['several keys reading the accumulator', 'xs.reduce((acc, x) => ({ ...acc, a: x, b: acc.a }), {})'],
    ['the accumulator stored in an entry', 'xs.reduce((acc, x) => [...acc, acc], [])'],
    ['a mutating call on the accumulator', 'xs.reduce((acc, x) => [...acc, acc.pop()], [])'],
    ['a closure over the accumulator', 'xs.reduce((acc, x) => [...acc, () => acc.length], [])'],
    ['an array hole', 'xs.reduce((acc, x) => [...acc, , x], [])'],
    ['a getter', 'xs.reduce((acc, x) => ({ ...acc, get k() { return x; } }), {})'],
    ['an async callback', 'xs.reduce(async (acc, x) => ({ ...(await acc), [x]: 1 }), {})'],
    ['an early return', 'xs.reduce((acc, x) => { if (x) return acc; return { ...acc, [x]: 1 }; }, {})'],
    ['an initial value from elsewhere', 'xs.reduce((acc, x) => ({ ...acc, [x]: 1 }))'],
  ])('proposes nothing for %s', (_, expression) => {
    const source = `function f(xs, start) {\n  return ${expression};\n}`;
    expectParsesCleanly(source);
    expect(rewrite(source, [reduceSpreadAccumulator])).toBeNull();
  });
});

describe('RulesProvider', () => {
  const target: Target = {
    id: 'src/lib.js:demo',
    path: 'src/lib.js',
    language: 'javascript',
    name: 'demo',
    kind: 'function',
    startLine: 1,
    endLine: 4,
    source: '',
    changedLines: [1],
    async: false,
    generator: false,
    context: '',
  };
  const bothRules = `  tally(items, allowed) {
    return items
      .filter((item) => allowed.includes(item))
      .reduce((acc, item) => ({ ...acc, [item]: true }), {}); // keyed
  }`;

  async function propose(currentSource: string, count: number) {
    const request = {
      target: { ...target, source: currentSource },
      currentSource,
      messages: [],
      count,
      iteration: 0,
    };
    return new RulesProvider().propose(request);
  }

  function codeOf(answer: string | undefined): string | undefined {
    return /```javascript\n([\s\S]*)\n```$/.exec(answer ?? '')?.[1];
  }

  it('answers with all rules combined first, then each rule alone', async () => {
    const reply = await propose(bothRules, 5);
    expect(reply.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(reply.answers).toHaveLength(3);
    expect(reply.sources).toEqual([
      'rule set-membership + reduce-spread-accumulator',
      'rule set-membership',
      'rule reduce-spread-accumulator',
    ]);
    const [combined, first, second] = reply.answers;
    expect(combined?.split('\n')[0]).toMatch(
      /^Offline rules applied: `set-membership` .* and `reduce-spread-accumulator`/,
    );
    expect(first?.split('\n')[0]).toMatch(/^Offline rule applied: `set-membership` \(/);
    expect(second?.split('\n')[0]).toMatch(/^Offline rule applied: `reduce-spread-accumulator` \(/);
    expect(codeOf(combined)).toBe(`  tally(items, allowed) {
    const allowedSet = Array.isArray(allowed) ? new Set(allowed) : null;
    return items
      .filter((item) => (allowedSet ? allowedSet.has(item) : allowed.includes(item)))
      .reduce((acc, item) => {
        if (item === '__proto__' || typeof item === 'object' || typeof item === 'function') return ({ ...acc, [item]: true });
        acc[item] = true;
        return acc;
      }, {}); // keyed
  }`);
    expect(codeOf(first)).toBe(rewrite(bothRules, [setMembership]));
    expect(codeOf(second)).toBe(rewrite(bothRules, [reduceSpreadAccumulator]));
    for (const answer of reply.answers) {
      const code = codeOf(answer) ?? '';
      for (const line of code.split('\n')) expect(line.startsWith('  ')).toBe(true);
      await expectSameBehaviour(asClass(bothRules), asClass(code), method('tally'), [
        [
          ['a', 'b', 'c', 'a'],
          ['a', 'c'],
        ],
      ]);
    }
  });

  it('respects count and drops duplicates when a single rule applies', async () => {
    expect((await propose(bothRules, 1)).answers).toHaveLength(1);
    expect((await propose(bothRules, 0)).answers).toEqual([]);
    const single = 'const keep = (a, b) => a.filter((t) => b.includes(t)); // trailing';
    const reply = await propose(single, 3);
    expect(reply.answers).toHaveLength(1);
    expect(codeOf(reply.answers[0])?.endsWith('}; // trailing')).toBe(true);
  });

  it('answers nothing for code without a pattern, or code it cannot parse', async () => {
    const provider = new RulesProvider();
    expect(provider.name).toBe('rules');
    expect(provider.model).toBe('offline-rules');
    expect((await propose('export function add(a, b) {\n  return a + b;\n}', 3)).answers).toEqual([]);
    expect((await propose('export function broken(a {\n  return a.filter(\n}', 3)).answers).toEqual([]);
  });

  it('uses a longer fence when the code holds backticks', async () => {
    const source = "const fence = (a, b) => a.map((t) => (b.includes(t) ? '```' : t));";
    const [answer] = (await propose(source, 1)).answers;
    expect(answer).toContain('````javascript\n');
    expect(answer?.endsWith('\n````')).toBe(true);
  });

  it('is listed in the README, one row per rule with its complexity change', async () => {
    const readme = await readFile(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Offline rules'), readme.indexOf('## GitHub Action'));
    const listed = [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]);
    expect(listed).toEqual([...ruleCatalog.javascript, ...ruleCatalog.python].map((rule) => rule.id));
    for (const rule of [...ruleCatalog.javascript, ...ruleCatalog.python]) {
      const row = section.split('\n').find((line) => line.startsWith(`| \`${rule.id}\` |`)) ?? '';
      expect(row).toContain(`| ${rule.complexity.before} → `);
    }
  });

  it('exports the catalog for the README and the report, grouped by language family', () => {
    expect(ruleCatalog.javascript.map((rule) => rule.id)).toEqual(javascriptRules.map((rule) => rule.id));
    expect(ruleCatalog.python.map((rule) => rule.id)).toEqual(pythonRules.map((rule) => rule.id));
    expect(ruleCatalog.javascript.length).toBeGreaterThanOrEqual(10);
    expect(ruleCatalog.python.length).toBeGreaterThanOrEqual(7);
    const all = [...ruleCatalog.javascript, ...ruleCatalog.python];
    expect(new Set(all.map((rule) => rule.id)).size).toBe(all.length);
    for (const rule of all) {
      expect(rule.title).not.toBe('');
      expect(rule.description.length).toBeGreaterThan(100);
      expect(rule.before).not.toBe(rule.after);
      expect(rule.complexity.before).not.toBe(rule.complexity.after);
      expect(rule).not.toHaveProperty('apply');
    }
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { anyAllGenerator } from '../../src/languages/python/rules/any-all-generator.js';
import { countToIn } from '../../src/languages/python/rules/count-to-in.js';
import { dedupeSeenSet } from '../../src/languages/python/rules/dedupe-seen-set.js';
import { insertFrontReverse } from '../../src/languages/python/rules/insert-front-reverse.js';
import { keysMembership } from '../../src/languages/python/rules/keys-membership.js';
import { listMembershipSet } from '../../src/languages/python/rules/list-membership-set.js';
import { popFrontDeque } from '../../src/languages/python/rules/pop-front-deque.js';
import type { Rule } from '../../src/providers/rules/rule.js';
import {
  expectPreserved,
  expectPythonSame,
  nearMissOf,
  type PythonCase,
  removeScratchDir,
  rewrite,
} from './rules-fixtures/harness.js';

afterAll(removeScratchDir);

async function rewritePython(source: string, rule: Rule): Promise<string> {
  const rewritten = await rewrite(source, [rule], 'python');
  expect(rewritten, `no rewrite of:\n${source}`).not.toBeNull();
  return rewritten ?? '';
}

/** Results equal on every input and, on the large one, at least `atLeast` times faster (python3 subprocess). */
async function expectSameAndFaster(pythonCase: PythonCase, atLeast = 1.5): Promise<void> {
  const report = await expectPythonSame(pythonCase);
  if (process.env.RULES_SPEEDUP_LOG)
    console.log(`speedup ${pythonCase.callable}: ${report.speedup?.toFixed(1)}x`);
  expect(report.speedup).toBeGreaterThanOrEqual(atLeast);
}

async function expectNoRewrite(rule: Rule, body: string, parameters = 'xs, ys'): Promise<void> {
  const source = `def f(${parameters}):\n    ${body.replace(/\n/g, '\n    ')}`;
  expect(await rewrite(source, [rule], 'python')).toBeNull();
}

describe('list-membership-set', () => {
  const shared = `def shared(tags, featured):
    """Tags that are featured, in order, compared as text."""
    names = [str(f) for f in featured]
    return [t for t in tags if str(t) in names]`;

  it('builds the set once before the comprehension, same results, faster', async () => {
    const rewritten = await rewritePython(shared, listMembershipSet);
    expect(rewritten).toBe(`def shared(tags, featured):
    """Tags that are featured, in order, compared as text."""
    names = [str(f) for f in featured]
    names_set = set(names)
    return [t for t in tags if str(t) in names_set]`);
    await expectPreserved(shared, rewritten, /names/, 'python');
    await expectSameAndFaster({
      original: shared,
      rewritten,
      callable: 'shared',
      inputs: [
        '([], [])',
        "(['a', 'b', 'a'], ['a'])",
        '([1, 1.0, True, 2], [1])',
        "([float('nan')], [float('nan')])",
        '([[1], (1,)], [[1], {}])',
      ],
      large: '([str(i) for i in range(3000)], [str(i) for i in range(0, 6000, 2)])',
    });
  });

  it('handles an indented method, a local list and not in', async () => {
    const method = `    def missing(self, wanted):
        present = [str(r.id) for r in self.rows]
        out = []
        for w in map(str, wanted):
            if w not in present:
                out.append(w)
        return out`;
    const rewritten = await rewritePython(method, listMembershipSet);
    expect(rewritten).toContain(
      '        present_set = set(present)\n        for w in map(str, wanted):\n            if w not in present_set:',
    );
    await expectPreserved(method, rewritten, /present|for w/, 'python');
    const wrap =
      'class Row:\n    def __init__(self, id):\n        self.id = id\n\nclass Subject:\n    rows = [Row(1), Row(3)]\n%s\n';
    await expectPythonSame({
      original: method,
      rewritten,
      callable: 'Subject().missing',
      inputs: ['([1, 2, 3, 4],)'],
      wrap,
    });
  });

  it.each([
    ['mutated in the loop', 'for x in xs:\n    if x in ys:\n        ys.append(x)'],
    ['reassigned', 'for x in xs:\n    if x in ys:\n        ys = []'],
    ['passed on', 'for x in xs:\n    if x in ys:\n        track(ys)'],
    ['not tested in a loop', 'return xs in ys'],
    ['tested in a lambda', 'return lambda x: x in ys'],
    ['a string by name', 'for x in xs:\n    if x in path:\n        return x', 'xs, path'],
    ['annotated as a string', 'for x in xs:\n    if x in ys:\n        return x', 'xs, ys: str'],
    ['built after the loop starts', 'for x in xs:\n    zs = [1]\n    if x in zs:\n        return x'],
    ['suspended by yield', 'zs = [1]\nfor x in range(3):\n    if x in zs:\n        yield x'],
    // A set raises TypeError on unhashable values where the list compares them.
    ['a parameter', 'for x in range(3):\n    if x in ys:\n        return x'],
    [
      'built from values of unknown type',
      'zs = list(ys)\nfor x in range(3):\n    if x in zs:\n        return x',
    ],
    [
      'probed with a value of unknown type',
      'zs = [str(y) for y in ys]\nfor x in xs:\n    if x in zs:\n        return x',
    ],
  ])('proposes nothing when the list is %s', async (_, body, parameters?: string) => {
    await expectNoRewrite(listMembershipSet, body, parameters);
  });

  it.each([
    [
      'def pick(keys, rows):\n    keys = list(keys)\n    return [r for r in rows if str(r) in keys]',
      /`keys` is bound more than once/,
    ],
    [
      'def pick(keys, rows):\n    wanted = list(keys)\n    return [r for r in rows if str(r) in wanted]',
      /`wanted` is built by `list\(keys\)`, whose elements may be unhashable/,
    ],
    [
      'def pick(keys, rows):\n    return [r for r in rows if str(r) in keys]',
      /`keys` is a parameter: it may be a string/,
    ],
  ])('names the condition a membership test in a loop fails: %s', async (source, why) => {
    expect(await nearMissOf(source, listMembershipSet, 'python')).toMatch(why);
  });

  it.each([
    ['a set literal (networkx BFS)', 'visited = {source}', 'visited.add(child)'],
    ['set()', 'visited = set()', 'visited.add(child)'],
    ['a dict', 'visited = {}', 'visited[child] = node'],
    ['a dict comprehension', 'visited = {source: None}', 'visited[child] = node'],
  ])('says nothing when the container is already %s: its test is O(1)', async (_, binding, mark) => {
    const source = [
      'def reach(graph, source):',
      `    ${binding}`,
      '    queue = [source]',
      '    for node in queue:',
      '        for child in graph[node]:',
      '            if child not in visited:',
      `                ${mark}`,
      '                queue.append(child)',
      '    return queue',
    ].join('\n');
    expect(await nearMissOf(source, listMembershipSet, 'python')).toBeNull();
    expect(await rewrite(source, [listMembershipSet], 'python')).toBeNull();
  });
});

describe('dedupe-seen-set', () => {
  const unique = `def unique(xs):
    out = []
    for x in xs:
        key = str(x)
        if key not in out:
            out.append(key)
    return out`;

  it('keeps a set beside the list, same order, faster', async () => {
    const rewritten = await rewritePython(unique, dedupeSeenSet);
    expect(rewritten).toBe(`def unique(xs):
    out = []
    out_seen = set()
    for x in xs:
        key = str(x)
        if key not in out_seen:
            out_seen.add(key)
            out.append(key)
    return out`);
    await expectPreserved(unique, rewritten, /out/, 'python');
    await expectSameAndFaster({
      original: unique,
      rewritten,
      callable: 'unique',
      inputs: [
        '([],)',
        "([3, 1, 3, 'a', 1.0, True, None, None],)",
        "([float('nan'), 0.0, -0.0],)",
        '([[1], [1], {}],)',
      ],
      large: '(list(range(3000)),)',
    });
  });

  it('removes the list it left filled but unread', async () => {
    const dedupe = `def dedupe(words):
    seen = []
    out = []
    for w in words:
        key = str(w)
        if key not in seen:
            seen.append(key)
            out.append(w)
    return out`;
    const rewritten = await rewritePython(dedupe, dedupeSeenSet);
    expect(rewritten).toBe(`def dedupe(words):
    seen_seen = set()
    out = []
    for w in words:
        key = str(w)
        if key not in seen_seen:
            seen_seen.add(key)
            out.append(w)
    return out`);
    await expectPythonSame({
      original: dedupe,
      rewritten,
      callable: 'dedupe',
      inputs: ["(['a', 1, '1', 'a'],)", '([],)'],
    });
  });

  it('keeps a one-line if on one line', async () => {
    const source =
      'def f(xs):\n    seen = []\n    for x in map(int, xs):\n        if x not in seen: seen.append(x)\n    return len(seen)';
    const rewritten = await rewritePython(source, dedupeSeenSet);
    expect(rewritten).toContain('        if x not in seen_seen: seen_seen.add(x); seen.append(x)');
    await expectPythonSame({ original: source, rewritten, callable: 'f', inputs: ['([1, 2, 1],)'] });
  });

  it.each([
    ['sorted', 'out = []\nfor x in xs:\n    if x not in out:\n        out.append(x)\nout.sort()\nreturn out'],
    ['appended an expression', 'out = []\nfor x in xs:\n    if x.id not in out:\n        out.append(x.id)'],
    ['extended', 'out = []\nfor x in xs:\n    if x not in out:\n        out.extend([x])'],
    [
      'removed from',
      'out = []\nfor x in xs:\n    if x not in out:\n        out.append(x)\n    out.remove(x)',
    ],
    [
      'returned with others',
      'out = []\nfor x in xs:\n    if x not in out:\n        out.append(x)\nreturn out, 1',
    ],
    ['a parameter', 'for x in xs:\n    if x not in ys:\n        ys.append(x)'],
    ['not empty at first', 'out = [0]\nfor x in xs:\n    if x not in out:\n        out.append(x)'],
    // A set raises TypeError on unhashable values where the list compares them.
    ['fed values of unknown type', 'out = []\nfor x in xs:\n    if x not in out:\n        out.append(x)'],
    [
      'fed a name bound twice',
      'out = []\nfor x in xs:\n    k = str(x)\n    k = x\n    if k not in out:\n        out.append(k)',
    ],
  ])('proposes nothing when the list is %s', async (_, body) => {
    await expectNoRewrite(dedupeSeenSet, body);
  });
});

describe('pop-front-deque', () => {
  const bfs = `def bfs(root):
    order = []
    queue = [root]
    while queue:
        node = queue.pop(0)
        order.append(node["id"])
        queue.extend(node["children"])
    return order`;
  const tree =
    '(lambda n: (lambda nodes: ([nodes[(i - 1) // 3]["children"].append(nodes[i]) for i in range(1, n)], nodes[0])[1])([{"id": i, "children": []} for i in range(n)]))';

  it('pops from the left of a deque, adds the import, same order, faster', async () => {
    const rewritten = await rewritePython(bfs, popFrontDeque);
    expect(rewritten).toBe(bfs.replace('[root]', 'deque([root])').replace('queue.pop(0)', 'queue.popleft()'));
    expect(popFrontDeque.imports).toEqual(['from collections import deque']);
    await expectPreserved(bfs, rewritten, /queue/, 'python');
    await expectSameAndFaster({
      original: bfs,
      rewritten,
      callable: 'bfs',
      wrap: 'from collections import deque\n\n%s\n',
      inputs: [`(${tree}(1),)`, `(${tree}(30),)`],
      large: `(${tree}(60000),)`,
    });
  });

  it('converts list(...) and keeps len, indexing and pop()', async () => {
    const source =
      'def drain(xs):\n    q = list(xs)\n    total = 0\n    while len(q) > 1:\n        total += q.pop(0) * q[0] - q[-1]\n        q.pop()\n    return total';
    const rewritten = await rewritePython(source, popFrontDeque);
    expect(rewritten).toContain('q = deque(xs)');
    expect(rewritten).toContain('total += q.popleft() * q[0] - q[-1]');
    await expectPythonSame({
      original: source,
      rewritten,
      callable: 'drain',
      wrap: 'from collections import deque\n\n%s\n',
      inputs: ['([],)', '([5, 1, 2, 3, 9],)', '(range(7),)'],
    });
  });

  it.each([
    ['returned', 'q = [xs]\nwhile q:\n    q.pop(0)\nreturn q'],
    ['sliced', 'q = [xs]\nwhile q:\n    q.pop(0)\n    ys = q[1:]'],
    ['sorted', 'q = [xs]\nwhile q:\n    q.pop(0)\n    q.sort()'],
    ['passed on', 'q = [xs]\nwhile q:\n    q.pop(0)\n    visit(q)'],
    ['popped elsewhere', 'q = [xs]\nwhile q:\n    q.pop(0)\n    q.pop(1)'],
    ['a parameter', 'while xs:\n    xs.pop(0)'],
    ['annotated', 'q: list[int] = [xs]\nwhile q:\n    q.pop(0)'],
    ['never popped in a loop', 'q = [xs]\nreturn q.pop(0)'],
    ['next to another deque', 'q = [xs]\nd = deque()\nwhile q:\n    q.pop(0)'],
  ])('proposes nothing when the queue is %s', async (_, body) => {
    await expectNoRewrite(popFrontDeque, body);
  });
});

describe('insert-front-reverse', () => {
  const newestFirst = `def newest_first(events):
    out = []
    for e in events:
        if e > 0:
            out.insert(0, e * 2)  # newest first
    return out`;

  it('appends and reverses once after the loop, same list, faster', async () => {
    const rewritten = await rewritePython(newestFirst, insertFrontReverse);
    expect(rewritten).toBe(`def newest_first(events):
    out = []
    for e in events:
        if e > 0:
            out.append(e * 2)  # newest first
    out.reverse()
    return out`);
    await expectPreserved(newestFirst, rewritten, /out\.insert/, 'python');
    await expectSameAndFaster({
      original: newestFirst,
      rewritten,
      callable: 'newest_first',
      inputs: ['([],)', '([3, -1, 2, 5],)'],
      large: '(list(range(1, 20000)),)',
    });
  });

  it('reverses after the outermost loop when inserts are nested', async () => {
    const source =
      'def flat(rows):\n    out = []\n    for row in rows:\n        for x in row:\n            out.insert(0, x)\n    return out';
    const rewritten = await rewritePython(source, insertFrontReverse);
    expect(rewritten).toBe(
      'def flat(rows):\n    out = []\n    for row in rows:\n        for x in row:\n            out.append(x)\n    out.reverse()\n    return out',
    );
    await expectPythonSame({
      original: source,
      rewritten,
      callable: 'flat',
      inputs: ['([[1, 2], [], [3]],)', '([],)'],
    });
  });

  it.each([
    [
      "declared outside the loop's block",
      'out = []\nfor y in ys:\n    if y:\n        for x in xs:\n            out.insert(0, x)\n    out.append(y)',
    ],
    [
      'read inside the loop',
      'out = []\nfor x in xs:\n    out.insert(0, x)\n    ys.append(len(out))\nreturn out',
    ],
    ['inserted elsewhere', 'out = []\nfor x in xs:\n    out.insert(1, x)'],
    ['used by an else clause', 'out = []\nfor x in xs:\n    out.insert(0, x)\nelse:\n    ys.append(out)'],
    ['not empty at first', 'out = [0]\nfor x in xs:\n    out.insert(0, x)'],
    ['a parameter', 'for x in xs:\n    ys.insert(0, x)'],
    ['read by its own insert', 'out = []\nfor x in xs:\n    out.insert(0, len(out))'],
  ])('proposes nothing when the list is %s', async (_, body) => {
    await expectNoRewrite(insertFrontReverse, body);
  });
});

describe('keys-membership', () => {
  const known = `def known(registry, names):
    return [n for n in names if n in list(registry.keys())]`;

  it('asks the mapping directly, same results, faster', async () => {
    const rewritten = await rewritePython(known, keysMembership);
    expect(rewritten).toBe(known.replace('list(registry.keys())', 'registry'));
    await expectPreserved(known, rewritten, /registry/, 'python');
    await expectSameAndFaster({
      original: known,
      rewritten,
      callable: 'known',
      inputs: ["({'a': 1, 1: 2}, ['a', 1, 1.0, True, 'b'])", '({}, [])'],
      large: '({str(i): i for i in range(3000)}, [str(i) for i in range(0, 6000, 2)])',
    });
  });

  it('rewrites a bare keys view and keeps not in', async () => {
    const source = 'def f(d, k):\n    return k not in d.keys()';
    expect(await rewritePython(source, keysMembership)).toBe('def f(d, k):\n    return k not in d');
  });

  it.each([
    ['keys get arguments', 'return xs in ys.keys(1)'],
    ['values are tested', 'return xs in list(ys.values())'],
    ['a class tests its own keys', 'return xs in self.keys()'],
    ['the copy is sliced first', 'return xs in list(ys.keys())[:3]'],
  ])('proposes nothing when %s', async (_, body) => {
    await expectNoRewrite(keysMembership, body);
  });
});

describe('count-to-in', () => {
  const flags = `def flags(ids: list[int], wanted):
    hits = 0
    for w in wanted:
        if ids.count(w) > 0:
            hits += 1
        if not ids.count(w):
            hits -= 100
    return hits`;

  it('stops at the first match, same answers, faster', async () => {
    const rewritten = await rewritePython(flags, countToIn);
    expect(rewritten).toContain('        if w in ids:\n');
    expect(rewritten).toContain('        if w not in ids:\n');
    await expectPreserved(flags, rewritten, /count/, 'python');
    await expectSameAndFaster({
      original: flags,
      rewritten,
      callable: 'flags',
      inputs: ['([], [1])', '([1, 2, 2, 1.0], [1, 2, 3, True])'],
      large: '([7] + list(range(20000)), [7] * 500)',
    });
  });

  it('treats strings alike, including the empty substring', async () => {
    const source = 'def has(text: str, part):\n    return text.count(part) == 0';
    const rewritten = await rewritePython(source, countToIn);
    expect(rewritten).toBe('def has(text: str, part):\n    return part not in text');
    await expectPythonSame({
      original: source,
      rewritten,
      callable: 'has',
      inputs: ["('abc', 'bc')", "('abc', '')", "('', 'x')"],
    });
  });

  it.each([
    ['the receiver is unknown', 'return xs.count(ys) > 0'],
    ['the count is compared with 1', 'items = [1]\nreturn items.count(ys) > 1'],
    ['count gets a start', "text = 'abc'\nreturn text.count(ys, 1) > 0"],
    ['the value is computed', 'items = [1]\nreturn items.count(f(ys)) > 0'],
    ['the count is used as a number', 'items = [1]\nreturn items.count(ys) + 1'],
  ])('proposes nothing when %s', async (_, body) => {
    await expectNoRewrite(countToIn, body);
  });
});

describe('any-all-generator', () => {
  const checks = `def checks(roles, flags):
    admin = any([role == "admin" for role in roles])
    clean = all([flag is not None for flag in flags if flag != ""])
    return admin, clean`;

  it('lets any/all stop early, same answers, faster', async () => {
    const rewritten = await rewritePython(checks, anyAllGenerator);
    expect(rewritten).toBe(`def checks(roles, flags):
    admin = any(role == "admin" for role in roles)
    clean = all(flag is not None for flag in flags if flag != "")
    return admin, clean`);
    await expectPreserved(checks, rewritten, /any|all/, 'python');
    await expectSameAndFaster({
      original: checks,
      rewritten,
      callable: 'checks',
      inputs: ['([], [])', "(['user', 'admin'], ['', None, 1])", "([None, [1], 'x'], [0, '', [None]])"],
      large: "(['admin'] + ['user'] * 300000, [None] + [1] * 300000)",
    });
  });

  it.each([
    ['the element calls something', 'return any([check(x) for x in xs])'],
    // A later element could raise there (None["role"], "a" > 0), and the generator would never reach it.
    ['the element reads a key', 'return any([x["role"] == "admin" for x in xs])'],
    ['the element reads an attribute', 'return all([x.ok for x in xs])'],
    ['the element orders', 'return any([x > 0 for x in xs])'],
    ['a condition does arithmetic', 'return any([x for x in xs if x + 1])'],
    ['a second loop iterates each element', 'return any([y for x in xs for y in x])'],
    ['the loop unpacks', 'return any([a for a, b in xs])'],
    ['a walrus leaks the last value', 'return any([(y := x) for x in xs])'],
    ['it is not the only argument', 'return any([x for x in xs], ys)'],
    ['a set comprehension is given', 'return any({x for x in xs})'],
    ['any is shadowed', 'any = ys\nreturn any([x for x in xs])'],
  ])('proposes nothing when %s', async (_, body) => {
    await expectNoRewrite(anyAllGenerator, body);
  });
});

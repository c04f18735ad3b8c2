import { describe, test } from 'vitest';
import { expectShape, type ShapeCase } from './detect-helpers.js';
import { lines } from './git-fixture.js';

const cases: ShapeCase[] = [
  {
    name: 'module-level function: exported under its own name, comments above stay out, docstring inside',
    head: lines(
      'import math',
      '',
      '# Sums values.',
      'def total(values):',
      '    """Sum of values."""',
      '    result = 0',
      '    for v in values:',
      '        result += v',
      '    return result',
    ),
    changed: [8],
    expected: [
      { name: 'total', kind: 'function', startLine: 4, endLine: 9, changedLines: [8], exportName: 'total' },
    ],
  },
  {
    name: 'private-looking module-level names are still importable, so exported',
    head: lines('def _helper(a):', '    return a + 1'),
    changed: [2],
    expected: [
      {
        name: '_helper',
        kind: 'function',
        startLine: 1,
        endLine: 2,
        changedLines: [2],
        exportName: '_helper',
      },
    ],
  },
  {
    name: 'async def and generators',
    head: lines(
      'async def fetch(url):',
      '    return await get(url)',
      '',
      'def count(n):',
      '    for i in range(n):',
      '        yield i',
      '',
      'async def stream(n):',
      '    for i in range(n):',
      '        yield i',
    ),
    changed: [2, 6, 10],
    expected: [
      {
        name: 'fetch',
        kind: 'function',
        startLine: 1,
        endLine: 2,
        changedLines: [2],
        exportName: 'fetch',
        async: true,
      },
      {
        name: 'count',
        kind: 'generator',
        startLine: 4,
        endLine: 6,
        changedLines: [6],
        exportName: 'count',
        generator: true,
        async: false,
      },
      {
        name: 'stream',
        kind: 'generator',
        startLine: 8,
        endLine: 10,
        changedLines: [10],
        exportName: 'stream',
        generator: true,
        async: true,
      },
    ],
  },
  {
    name: 'a yield in a nested function does not make the outer one a generator',
    head: lines('def outer():', '    def gen():', '        yield 1', '    return list(gen())'),
    changed: [4],
    expected: [
      {
        name: 'outer',
        kind: 'function',
        startLine: 1,
        endLine: 4,
        changedLines: [4],
        exportName: 'outer',
        generator: false,
      },
    ],
  },
  {
    name: 'methods: plain, @staticmethod, @classmethod, @property and its setter, with decorators in the range',
    head: lines(
      'class Cache:',
      '    def __init__(self, limit):',
      '        self.limit = limit',
      '',
      '    @staticmethod',
      '    def create():',
      '        return Cache(10)',
      '',
      '    @classmethod',
      '    def named(cls, name):',
      '        return cls(len(name))',
      '',
      '    @property',
      '    def size(self):',
      '        return self.limit',
      '',
      '    @size.setter',
      '    def size(self, value):',
      '        self.limit = value',
    ),
    changed: [3, 7, 11, 15, 19],
    expected: [
      {
        name: 'Cache.__init__',
        kind: 'method',
        startLine: 2,
        endLine: 3,
        changedLines: [3],
        member: { owner: 'Cache', ownerExportName: 'Cache', static: false },
      },
      {
        name: 'Cache.create',
        kind: 'method',
        startLine: 5,
        endLine: 7,
        changedLines: [7],
        member: { owner: 'Cache', ownerExportName: 'Cache', static: true },
      },
      {
        name: 'Cache.named',
        kind: 'method',
        startLine: 9,
        endLine: 11,
        changedLines: [11],
        member: { owner: 'Cache', ownerExportName: 'Cache', static: true },
      },
      {
        name: 'Cache.size',
        kind: 'method',
        startLine: 13,
        endLine: 15,
        changedLines: [15],
        member: { owner: 'Cache', ownerExportName: 'Cache', static: false, accessor: 'get' },
      },
      {
        name: 'Cache.size',
        kind: 'method',
        startLine: 17,
        endLine: 19,
        changedLines: [19],
        member: { owner: 'Cache', ownerExportName: 'Cache', static: false, accessor: 'set' },
      },
    ],
  },
  {
    name: 'decorated module-level function: the range starts at the first decorator',
    head: lines(
      'import functools',
      '',
      '@functools.lru_cache(maxsize=None)',
      '@trace',
      'def fib(n):',
      '    return n if n < 2 else fib(n - 1) + fib(n - 2)',
    ),
    changed: [6],
    expected: [
      { name: 'fib', kind: 'function', startLine: 3, endLine: 6, changedLines: [6], exportName: 'fib' },
    ],
  },
  {
    name: 'a changed decorator alone changes the function',
    head: lines('@cache(size=5)', 'def f(a):', '    return a'),
    base: lines('@cache(size=1)', 'def f(a):', '    return a'),
    expected: [{ name: 'f', kind: 'function', startLine: 1, endLine: 3, changedLines: [1], exportName: 'f' }],
  },
  {
    name: 'nested: a change inside the inner function targets the inner one',
    head: lines(
      'def outer(xs):',
      '    def inner(x):',
      '        return x * 2',
      '    return [inner(x) for x in xs]',
    ),
    changed: [3],
    expected: [{ name: 'outer.inner', kind: 'function', startLine: 2, endLine: 3, changedLines: [3] }],
  },
  {
    name: 'nested: a change in the outer body outside the inner targets the outer one',
    head: lines(
      'def outer(xs):',
      '    def inner(x):',
      '        return x * 2',
      '    return [inner(x) for x in xs]',
    ),
    changed: [4],
    expected: [
      { name: 'outer', kind: 'function', startLine: 1, endLine: 4, changedLines: [4], exportName: 'outer' },
    ],
  },
  {
    name: 'lambdas are not targets: a change inside one belongs to the function around it',
    head: lines(
      'def sort_by_age(people):',
      '    return sorted(people, key=lambda p: p.age)',
      '',
      'square = lambda x: x * x',
    ),
    changed: [2, 4],
    expected: [
      {
        name: 'sort_by_age',
        kind: 'function',
        startLine: 1,
        endLine: 2,
        changedLines: [2],
        exportName: 'sort_by_age',
      },
    ],
  },
  {
    name: 'class inside a function, method inside a nested class',
    head: lines(
      'def make():',
      '    class Box:',
      '        class Lid:',
      '            def open(self):',
      '                return 1',
      '    return Box',
    ),
    changed: [5],
    expected: [
      {
        name: 'make.Box.Lid.open',
        kind: 'method',
        startLine: 4,
        endLine: 5,
        changedLines: [5],
        member: { owner: 'make.Box.Lid', static: false },
      },
    ],
  },
  {
    name: 'functions defined under if/try at module level keep plain names and are not exported',
    head: lines('import sys', 'if sys.version_info >= (3, 8):', '    def compat(a):', '        return a + 1'),
    changed: [4],
    expected: [{ name: 'compat', kind: 'function', startLine: 3, endLine: 4, changedLines: [4] }],
  },
  {
    name: 'removing the last lines of a function still changes it (no closing brace to anchor the deletion)',
    head: lines('def f(a):', '    a = a + 1', '', 'def g():', '    return 2'),
    base: lines('def f(a):', '    a = a + 1', '    return a', '', 'def g():', '    return 2'),
    expected: [{ name: 'f', kind: 'function', startLine: 1, endLine: 2, changedLines: [], exportName: 'f' }],
  },
  {
    name: 'removing a whole nested function changes the function around it',
    head: lines('def outer():', '    return 1'),
    base: lines('def outer():', '    def gone():', '        return 0', '    return 1'),
    expected: [
      { name: 'outer', kind: 'function', startLine: 1, endLine: 2, changedLines: [], exportName: 'outer' },
    ],
  },
];

// Replacing a line with `pass` at its indentation keeps most base versions parseable.
const rewrite = (line: string) => `${/^\s*/.exec(line)?.[0] ?? ''}pass`;

describe('Python function shapes', () => {
  test.for(cases)('$name', async (shape) => {
    await expectShape(shape, { path: 'pkg/module.py', language: 'python', rewrite });
  });
});

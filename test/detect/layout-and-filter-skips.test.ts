import { describe, expect, test } from 'vitest';
import { detectAllFunctions } from '../../src/detect/index.js';
import type { SkippedTarget } from '../../src/detect/types.js';
import { detectBetween } from './detect-helpers.js';
import { createTempRepo, type FileChanges, lines } from './git-fixture.js';

interface LayoutCase {
  name: string;
  path: string;
  base: string;
  head: string;
  /** Target names expected. */
  targets: string[];
  skipped: SkippedTarget[];
}

const layoutOnly = 'only comments or whitespace changed';

const layoutCases: LayoutCase[] = [
  {
    name: 'JavaScript: a comment added and a line re-indented',
    path: 'src/a.js',
    base: lines('function f(a) {', '  return a + 1;', '}'),
    head: lines('function f(a) {', '  // one more than a', '      return a   +   1;', '}'),
    targets: [],
    skipped: [{ path: 'src/a.js', name: 'f', startLine: 1, endLine: 4, reason: layoutOnly }],
  },
  {
    name: 'JavaScript: a line break after return is not layout (it ends the statement)',
    path: 'src/a.js',
    base: lines('function f(a) {', '  return a;', '}'),
    head: lines('function f(a) {', '  return', '    a;', '}'),
    targets: ['f'],
    skipped: [],
  },
  {
    name: 'JavaScript: whitespace inside a string literal is content',
    path: 'src/a.js',
    base: lines('function f() {', "  return 'a b';", '}'),
    head: lines('function f() {', "  return 'a  b';", '}'),
    targets: ['f'],
    skipped: [],
  },
  {
    name: 'TypeScript: a re-wrapped signature and a block comment',
    path: 'src/a.ts',
    base: lines('export function f(a: number, b: number): number {', '  return a + b;', '}'),
    head: lines(
      'export function f(',
      '  a: number,',
      '  b: number',
      '): number {',
      '  /* sum */ return a + b;',
      '}',
    ),
    targets: [],
    skipped: [{ path: 'src/a.ts', name: 'f', startLine: 1, endLine: 6, reason: layoutOnly }],
  },
  {
    name: 'TypeScript: a real change next to a layout change in a nested function',
    path: 'src/a.ts',
    base: lines(
      'function outer(xs: number[]) {',
      '  const inner = (x: number) => x * 2;',
      '  return xs.map(inner);',
      '}',
    ),
    head: lines(
      'function outer(xs: number[]) {',
      '  const inner = (x: number) => x * 3;',
      '  // mapped',
      '  return xs.map(inner);',
      '}',
    ),
    targets: ['outer.inner'],
    skipped: [{ path: 'src/a.ts', name: 'outer', startLine: 1, endLine: 5, reason: layoutOnly }],
  },
  {
    name: 'Python: comments and a docstring edit are documentation',
    path: 'pkg/a.py',
    base: lines('def f(a):', '    """Old doc."""', '    return a + 1'),
    head: lines('def f(a):', '    """New doc."""', '    # one more', '    return a + 1  # plus one'),
    targets: [],
    skipped: [{ path: 'pkg/a.py', name: 'f', startLine: 1, endLine: 4, reason: layoutOnly }],
  },
  {
    name: 'Python: re-indenting a statement out of a block changes meaning',
    path: 'pkg/a.py',
    base: lines('def f(a):', '    if a:', '        a += 1', '        a *= 2', '    return a'),
    head: lines('def f(a):', '    if a:', '        a += 1', '    a *= 2', '    return a'),
    targets: ['f'],
    skipped: [],
  },
  {
    name: 'Python: a string that is not the docstring is code',
    path: 'pkg/a.py',
    base: lines('def f():', '    x = 1', '    "not a docstring"', '    return x'),
    head: lines('def f():', '    x = 1', '    "changed"', '    return x'),
    targets: ['f'],
    skipped: [],
  },
];

describe('comment- and whitespace-only changes (token streams compared with the base side)', () => {
  test.for(layoutCases)('$name', async ({ path, base, head, targets, skipped }) => {
    const result = await detectBetween({ [path]: base }, { [path]: head });
    expect(result.targets.map((t) => t.name)).toEqual(targets);
    expect(result.skipped).toEqual(skipped);
  });
});

const fn = {
  js: (body: string) => lines('export function f(a) {', `  ${body}`, '}'),
  py: (body: string) => lines('def f(a):', `    ${body}`),
};

interface FilterCase {
  name: string;
  files: Record<string, 'js' | 'py'>;
  options?: Parameters<typeof detectBetween>[2];
  targets: string[];
  skipped: SkippedTarget[];
}

const filterCases: FilterCase[] = [
  {
    name: 'default Python test files',
    files: {
      'pkg/test_models.py': 'py',
      'pkg/models_test.py': 'py',
      'pkg/conftest.py': 'py',
      'tests/helpers.py': 'py',
      'pkg/models.py': 'py',
    },
    targets: ['pkg/models.py:f'],
    skipped: [
      { path: 'pkg/conftest.py', reason: 'test file' },
      { path: 'pkg/models_test.py', reason: 'test file' },
      { path: 'pkg/test_models.py', reason: 'test file' },
      { path: 'tests/helpers.py', reason: 'test file' },
    ],
  },
  {
    name: 'configured test-file globs replace the defaults',
    files: { 'src/a.check.js': 'js', 'src/a.test.js': 'js' },
    options: { testFiles: ['**/*.check.js'] },
    targets: ['src/a.test.js:f'],
    skipped: [{ path: 'src/a.check.js', reason: 'test file' }],
  },
  {
    name: 'include and exclude globs',
    files: { 'src/core/a.js': 'js', 'src/core/legacy/b.js': 'js', 'scripts/c.js': 'js' },
    options: { include: ['src/**'], exclude: ['**/legacy/**'] },
    targets: ['src/core/a.js:f'],
    skipped: [
      { path: 'scripts/c.js', reason: 'not matched by any include pattern' },
      { path: 'src/core/legacy/b.js', reason: "excluded by pattern '**/legacy/**'" },
    ],
  },
  {
    name: 'languages limit which plug-ins run',
    files: { 'src/a.js': 'js', 'src/b.py': 'py' },
    options: { languages: ['python'] },
    targets: ['src/b.py:f'],
    skipped: [{ path: 'src/a.js', reason: 'language not enabled (javascript)' }],
  },
  {
    name: 'max function lines applies to Python too',
    files: { 'src/b.py': 'py' },
    options: { maxFunctionLines: 1 },
    targets: [],
    skipped: [
      {
        path: 'src/b.py',
        name: 'f',
        startLine: 1,
        endLine: 2,
        reason: 'function too long (2 lines, limit 1)',
      },
    ],
  },
];

describe('file filters and options', () => {
  test.for(filterCases)('$name', async ({ files, options, targets, skipped }) => {
    const base: FileChanges = {};
    const head: FileChanges = {};
    for (const [path, language] of Object.entries(files)) {
      base[path] = fn[language]('return a');
      head[path] = fn[language]('return a + 1');
    }
    const result = await detectBetween(base, head, options);
    expect(result.targets.map((t) => `${t.path}:${t.name}`).sort()).toEqual(targets);
    expect([...result.skipped].sort((a, b) => a.path.localeCompare(b.path))).toEqual(skipped);
  });

  test('syntax errors in TypeScript and Python report the first error line; other files go on', async () => {
    const result = await detectBetween(
      {
        'src/a.ts': lines('export const x = 1;'),
        'src/b.py': fn.py('return a'),
        'src/c.py': fn.py('return a'),
      },
      {
        'src/a.ts': lines('export const x = 1;', 'function f(a: number {', '  return a;', '}'),
        'src/b.py': lines('def f(a):', '    return a', '', 'def g(:', '    pass'),
        'src/c.py': fn.py('return a + 1'),
      },
    );
    expect(result.targets.map((t) => `${t.path}:${t.name}`)).toEqual(['src/c.py:f']);
    expect(result.skipped).toEqual([
      { path: 'src/a.ts', reason: 'syntax error at line 2' },
      { path: 'src/b.py', reason: 'syntax error at line 4' },
    ]);
  });
});

describe('detectAllFunctions (sweep)', () => {
  test('every function of every eligible file at head, with file and function skips', async () => {
    const repo = await createTempRepo();
    try {
      await repo.commit({
        'src/a.js': lines('export function f(a) {', '  const g = (x) => x;', '  return g(a);', '}'),
        'src/b.ts': lines('export class C {', '  m(): number {', '    return 1;', '  }', '}'),
        'pkg/c.py': lines(
          'def h():',
          '    return 1',
          '',
          'def long():',
          '    a = 1',
          '    b = 2',
          '    c = 3',
          '    return a + b + c',
        ),
        'pkg/test_c.py': lines('def test_h():', '    assert True'),
        'src/broken.py': lines('def (:'),
        'README.md': '# readme\n',
        'main.go': 'package main\n',
      });
      const result = await detectAllFunctions({ repo: repo.dir, maxFunctionLines: 4 });
      expect(result.mergeBase).toBe(result.headSha);
      expect(result.targets.map((t) => `${t.path}:${t.name}:${t.language}`)).toEqual([
        'pkg/c.py:h:python',
        'src/a.js:f:javascript',
        'src/a.js:f.g:javascript',
        'src/b.ts:C.m:typescript',
      ]);
      expect(result.targets.every((t) => t.changedLines.length === 0)).toBe(true);
      expect(result.skipped).toEqual([
        { path: 'pkg/test_c.py', reason: 'test file' },
        {
          path: 'pkg/c.py',
          name: 'long',
          startLine: 4,
          endLine: 8,
          reason: 'function too long (5 lines, limit 4)',
        },
        { path: 'src/broken.py', reason: 'syntax error at line 1' },
      ]);
    } finally {
      await repo.dispose();
    }
  });
});

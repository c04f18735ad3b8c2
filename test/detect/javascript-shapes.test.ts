import { describe, expect, test } from 'vitest';
import type { Target } from '../../src/detect/types.js';
import { detectBetween } from './detect-helpers.js';
import { lineRange, lines, withLines } from './git-fixture.js';

type ExpectedTarget = Pick<Target, 'name' | 'kind' | 'startLine' | 'endLine' | 'changedLines'> &
  Partial<Pick<Target, 'exportName' | 'async' | 'generator' | 'member'>>;

interface ShapeCase {
  name: string;
  /** Head version of src/module.js. */
  head: string;
  /** Base version; by default head with `changed` lines rewritten. */
  base?: string;
  changed?: number[];
  expected: ExpectedTarget[];
}

const cases: ShapeCase[] = [
  {
    name: 'function declaration, JSDoc above stays out of the range',
    head: lines(
      '/**',
      ' * Sums values.',
      ' */',
      'function sum(values) {',
      '  let total = 0;',
      '  for (const v of values) total += v;',
      '  return total;',
      '}',
    ),
    changed: [6],
    expected: [
      { name: 'sum', kind: 'function', startLine: 4, endLine: 8, changedLines: [6], exportName: undefined },
    ],
  },
  {
    name: 'exported async function',
    head: lines('export async function load(path) {', '  return await read(path);', '}'),
    changed: [2],
    expected: [
      {
        name: 'load',
        kind: 'function',
        startLine: 1,
        endLine: 3,
        changedLines: [2],
        exportName: 'load',
        async: true,
      },
    ],
  },
  {
    name: 'anonymous default-exported function',
    head: lines('const unused = 1;', 'export default function (a) {', '  return a * 2;', '}'),
    changed: [3],
    expected: [
      {
        name: 'default',
        kind: 'function-expression',
        startLine: 2,
        endLine: 4,
        changedLines: [3],
        exportName: 'default',
      },
    ],
  },
  {
    name: 'named default-exported function',
    head: lines('export default function main(a) {', '  return a * 2;', '}'),
    changed: [2],
    expected: [
      { name: 'main', kind: 'function', startLine: 1, endLine: 3, changedLines: [2], exportName: 'default' },
    ],
  },
  {
    name: 'default-exported arrow, trailing semicolon included',
    head: lines('export default (a) =>', '  a * 2;'),
    changed: [2],
    expected: [
      { name: 'default', kind: 'arrow', startLine: 1, endLine: 2, changedLines: [2], exportName: 'default' },
    ],
  },
  {
    name: 'exported const arrow, from `export` to `;`',
    head: lines('export const double = async (a) => {', '  return a * 2;', '};'),
    changed: [2],
    expected: [
      {
        name: 'double',
        kind: 'arrow',
        startLine: 1,
        endLine: 3,
        changedLines: [2],
        exportName: 'double',
        async: true,
      },
    ],
  },
  {
    name: 'let and var function expressions',
    head: lines(
      'let square = function (x) {',
      '  return x * x;',
      '};',
      'var cube = function named(x) {',
      '  return x * x * x;',
      '};',
    ),
    changed: [2, 5],
    expected: [
      { name: 'square', kind: 'function-expression', startLine: 1, endLine: 3, changedLines: [2] },
      { name: 'cube', kind: 'function-expression', startLine: 4, endLine: 6, changedLines: [5] },
    ],
  },
  {
    name: 'generators, sync and async',
    head: lines(
      'function* range(n) {',
      '  for (let i = 0; i < n; i++) yield i;',
      '}',
      'export async function* stream(items) {',
      '  for (const item of items) yield await item;',
      '}',
      'const evens = function* () {',
      '  yield 2;',
      '};',
    ),
    changed: [2, 5, 8],
    expected: [
      {
        name: 'range',
        kind: 'generator',
        startLine: 1,
        endLine: 3,
        changedLines: [2],
        generator: true,
        async: false,
      },
      {
        name: 'stream',
        kind: 'generator',
        startLine: 4,
        endLine: 6,
        changedLines: [5],
        generator: true,
        async: true,
        exportName: 'stream',
      },
      { name: 'evens', kind: 'generator', startLine: 7, endLine: 9, changedLines: [8], generator: true },
    ],
  },
  {
    name: 'class members: constructor, static, accessors, async, generator, private, field arrow',
    head: lines(
      'export class Cache {', // 1
      '  constructor(size) {',
      '    this.size = size;',
      '  }',
      '  static create() {', // 5
      '    return new Cache(10);',
      '  }',
      '  get count() {',
      '    return this.items.length;',
      '  }', // 10
      '  set count(value) {',
      '    this.items.length = value;',
      '  }',
      '  async fetch(key) {',
      '    return await this.load(key);', // 15
      '  }',
      '  *keys() {',
      '    yield* this.map.keys();',
      '  }',
      '  #evict() {', // 20
      '    this.map.clear();',
      '  }',
      '  onHit = (key) => {',
      '    this.hits++;',
      '  };', // 25
      '}',
    ),
    changed: [3, 6, 9, 12, 15, 18, 21, 24],
    expected: [
      {
        name: 'Cache.constructor',
        kind: 'method',
        startLine: 2,
        endLine: 4,
        changedLines: [3],
        exportName: undefined,
        member: { owner: 'Cache', ownerExportName: 'Cache', static: false },
      },
      {
        name: 'Cache.create',
        kind: 'method',
        startLine: 5,
        endLine: 7,
        changedLines: [6],
        member: { owner: 'Cache', ownerExportName: 'Cache', static: true },
      },
      {
        name: 'Cache.count',
        kind: 'method',
        startLine: 8,
        endLine: 10,
        changedLines: [9],
        member: { owner: 'Cache', ownerExportName: 'Cache', static: false, accessor: 'get' },
      },
      {
        name: 'Cache.count',
        kind: 'method',
        startLine: 11,
        endLine: 13,
        changedLines: [12],
        member: { owner: 'Cache', ownerExportName: 'Cache', static: false, accessor: 'set' },
      },
      { name: 'Cache.fetch', kind: 'method', startLine: 14, endLine: 16, changedLines: [15], async: true },
      { name: 'Cache.keys', kind: 'method', startLine: 17, endLine: 19, changedLines: [18], generator: true },
      { name: 'Cache.#evict', kind: 'method', startLine: 20, endLine: 22, changedLines: [21] },
      { name: 'Cache.onHit', kind: 'arrow', startLine: 23, endLine: 25, changedLines: [24] },
    ],
  },
  {
    name: 'object-literal methods and function-valued properties',
    head: lines(
      'const api = {',
      '  get(key) {',
      '    return key;',
      '  },',
      "  'run': function () {", // 5
      '    return 1;',
      '  },',
      '  go: () => {',
      '    return 2;',
      '  },', // 10
      '  nested: {',
      '    deep() {',
      '      return 3;',
      '    },',
      '  },', // 15
      '};',
    ),
    changed: [3, 6, 9, 13],
    expected: [
      {
        name: 'api.get',
        kind: 'method',
        startLine: 2,
        endLine: 4,
        changedLines: [3],
        member: { owner: 'api', static: false },
      },
      { name: 'api.run', kind: 'function-expression', startLine: 5, endLine: 7, changedLines: [6] },
      { name: 'api.go', kind: 'arrow', startLine: 8, endLine: 10, changedLines: [9] },
      {
        name: 'api.nested.deep',
        kind: 'method',
        startLine: 12,
        endLine: 14,
        changedLines: [13],
        member: { owner: 'api.nested', static: false },
      },
    ],
  },
  {
    name: 'ESM export list with alias, class exported by name',
    head: lines(
      'function f(a) {',
      '  return a + 1;',
      '}',
      'const g = (a) => {',
      '  return a - 1;',
      '};',
      'class Store {',
      '  put(v) {',
      '    return v;',
      '  }',
      '}',
      'export { f, g as h, Store };',
    ),
    changed: [2, 5, 9],
    expected: [
      { name: 'f', kind: 'function', startLine: 1, endLine: 3, changedLines: [2], exportName: 'f' },
      { name: 'g', kind: 'arrow', startLine: 4, endLine: 6, changedLines: [5], exportName: 'h' },
      {
        name: 'Store.put',
        kind: 'method',
        startLine: 8,
        endLine: 10,
        changedLines: [9],
        exportName: undefined,
        member: { owner: 'Store', ownerExportName: 'Store', static: false },
      },
    ],
  },
  {
    name: 'default export of a local name',
    head: lines('function main() {', '  return 1;', '}', 'export default main;'),
    changed: [2],
    expected: [
      { name: 'main', kind: 'function', startLine: 1, endLine: 3, changedLines: [2], exportName: 'default' },
    ],
  },
  {
    name: 'CommonJS: module.exports object with shorthand and renamed properties',
    head: lines(
      "const path = require('node:path');",
      'function f(a) {',
      '  return a + 1;',
      '}',
      'function h(a) {',
      '  return a - 1;',
      '}',
      'module.exports = { f, g: h };',
    ),
    changed: [3, 6],
    expected: [
      { name: 'f', kind: 'function', startLine: 2, endLine: 4, changedLines: [3], exportName: 'f' },
      { name: 'h', kind: 'function', startLine: 5, endLine: 7, changedLines: [6], exportName: 'g' },
    ],
  },
  {
    name: 'CommonJS: exports.x and module.exports.x assignments',
    head: lines(
      'module.exports.parse = function (text) {',
      '  return text.split(",");',
      '};',
      'exports.format = (items) => {',
      '  return items.join(",");',
      '};',
      'function local(a) {',
      '  return a;',
      '}',
      'module.exports.local = local;',
    ),
    changed: [2, 5, 8],
    expected: [
      {
        name: 'parse',
        kind: 'function-expression',
        startLine: 1,
        endLine: 3,
        changedLines: [2],
        exportName: 'parse',
      },
      { name: 'format', kind: 'arrow', startLine: 4, endLine: 6, changedLines: [5], exportName: 'format' },
      { name: 'local', kind: 'function', startLine: 7, endLine: 9, changedLines: [8], exportName: 'local' },
    ],
  },
  {
    name: 'CommonJS: module.exports = function, and an object of inline methods',
    head: lines('module.exports = function (a) {', '  return a * 2;', '};'),
    changed: [2],
    expected: [
      {
        name: 'default',
        kind: 'function-expression',
        startLine: 1,
        endLine: 3,
        changedLines: [2],
        exportName: 'default',
      },
    ],
  },
  {
    name: 'CommonJS: module.exports object with inline members',
    head: lines(
      'module.exports = {',
      '  parse(text) {',
      '    return text.trim();',
      '  },',
      '  format: (x) => {',
      '    return String(x);',
      '  },',
      '};',
    ),
    changed: [3, 6],
    expected: [
      {
        name: 'parse',
        kind: 'method',
        startLine: 2,
        endLine: 4,
        changedLines: [3],
        exportName: 'parse',
        member: { owner: 'module.exports', static: false },
      },
      { name: 'format', kind: 'arrow', startLine: 5, endLine: 7, changedLines: [6], exportName: 'format' },
    ],
  },
  {
    name: 'anonymous default-exported class, class expression, CommonJS-exported object',
    head: lines(
      'export default class {',
      '  run() {',
      '    return 1;',
      '  }',
      '}',
      'const Foo = class {',
      '  m() {',
      '    return 2;',
      '  }',
      '};',
      'exports.api = {',
      '  call() {',
      '    return 3;',
      '  },',
      '};',
    ),
    changed: [3, 8, 13],
    expected: [
      {
        name: 'default.run',
        kind: 'method',
        startLine: 2,
        endLine: 4,
        changedLines: [3],
        member: { owner: 'default', ownerExportName: 'default', static: false },
      },
      {
        name: 'Foo.m',
        kind: 'method',
        startLine: 7,
        endLine: 9,
        changedLines: [8],
        member: { owner: 'Foo', static: false },
      },
      {
        name: 'api.call',
        kind: 'method',
        startLine: 12,
        endLine: 14,
        changedLines: [13],
        member: { owner: 'api', ownerExportName: 'api', static: false },
      },
    ],
  },
  {
    name: 'JSX in a component',
    head: lines(
      'export function App({ items }) {',
      '  return <ul>{items.map((i) => <li key={i}>{i}</li>)}</ul>;',
      '}',
    ),
    changed: [2],
    expected: [
      { name: 'App', kind: 'function', startLine: 1, endLine: 3, changedLines: [2], exportName: 'App' },
    ],
  },
  {
    name: 'prototype assignment',
    head: lines('function Foo() {}', 'Foo.prototype.bar = function () {', '  return 1;', '};'),
    changed: [3],
    expected: [
      { name: 'Foo.prototype.bar', kind: 'function-expression', startLine: 2, endLine: 4, changedLines: [3] },
    ],
  },
  {
    name: 'nested: a change inside the inner function targets the inner one',
    head: lines(
      'export function outer(xs) {',
      '  function inner(x) {',
      '    return x * 2;',
      '  }',
      '  return xs.map(inner);',
      '}',
    ),
    changed: [3],
    expected: [
      {
        name: 'outer.inner',
        kind: 'function',
        startLine: 2,
        endLine: 4,
        changedLines: [3],
        exportName: undefined,
      },
    ],
  },
  {
    name: 'nested: a change in the outer body outside the inner targets the outer one',
    head: lines(
      'export function outer(xs) {',
      '  const inner = (x) => {',
      '    return x * 2;',
      '  };',
      '  return xs.map(inner);',
      '}',
    ),
    changed: [5],
    expected: [
      { name: 'outer', kind: 'function', startLine: 1, endLine: 6, changedLines: [5], exportName: 'outer' },
    ],
  },
  {
    name: 'nested: changes in both give both, each with its own lines',
    head: lines(
      'export function outer(xs) {',
      '  const inner = (x) => {',
      '    return x * 2;',
      '  };',
      '  return xs.map(inner);',
      '}',
    ),
    changed: [3, 5],
    expected: [
      { name: 'outer', kind: 'function', startLine: 1, endLine: 6, changedLines: [5], exportName: 'outer' },
      { name: 'outer.inner', kind: 'arrow', startLine: 2, endLine: 4, changedLines: [3] },
    ],
  },
  {
    name: 'a change inside an anonymous callback belongs to the named function around it',
    head: lines(
      'function total(xs) {',
      '  return xs.reduce((sum, x) => {',
      '    return sum + x;',
      '  }, 0);',
      '}',
    ),
    changed: [3],
    expected: [{ name: 'total', kind: 'function', startLine: 1, endLine: 5, changedLines: [3] }],
  },
  {
    name: 'methods of a class inside a function are qualified by both',
    head: lines('function make() {', '  class Box {', '    open() {', '      return 1;', '    }', '  }', '}'),
    changed: [4],
    expected: [{ name: 'make.Box.open', kind: 'method', startLine: 3, endLine: 5, changedLines: [4] }],
  },
  {
    name: 'several changed lines in one function give one target',
    head: lines('function f(a) {', '  const b = a + 1;', '  const c = b + 1;', '  return c;', '}'),
    changed: [2, 3, 4],
    expected: [{ name: 'f', kind: 'function', startLine: 1, endLine: 5, changedLines: [2, 3, 4] }],
  },
  {
    name: 'lines removed from a body still mark the function as changed',
    head: lines('function f(a) {', '  return a;', '}'),
    base: lines('function f(a) {', '  a = a + 0;', '  return a;', '}'),
    expected: [{ name: 'f', kind: 'function', startLine: 1, endLine: 3, changedLines: [] }],
  },
  {
    name: 'a newly added function has all its lines changed',
    head: lines('const a = 1;', 'function added(x) {', '  return x;', '}'),
    base: lines('const a = 1;'),
    expected: [{ name: 'added', kind: 'function', startLine: 2, endLine: 4, changedLines: [2, 3, 4] }],
  },
  {
    name: 'a change to the signature line counts',
    head: lines('export const f = (a, b) => {', '  return a;', '};'),
    changed: [1],
    expected: [{ name: 'f', kind: 'arrow', startLine: 1, endLine: 3, changedLines: [1], exportName: 'f' }],
  },
  {
    name: 'top-level code is not a target',
    head: lines('const LIMIT = 10;', 'function f() {', '  return LIMIT;', '}', 'console.log(f());'),
    changed: [1, 5],
    expected: [],
  },
];

describe('JavaScript function shapes', () => {
  test.for(cases)('$name', async ({ head, base, changed, expected }) => {
    const baseText =
      base ?? withLines(head, Object.fromEntries((changed ?? []).map((line) => [line, `// old ${line}`])));
    const result = await detectBetween({ 'src/module.js': baseText }, { 'src/module.js': head });

    expect(result.skipped).toEqual([]);
    expect(result.targets.map(({ name, startLine }) => ({ name, startLine }))).toEqual(
      expected.map(({ name, startLine }) => ({ name, startLine })),
    );
    for (const [index, want] of expected.entries()) {
      const target = result.targets[index];
      const { exportName, ...rest } = want;
      expect(target).toMatchObject({ ...rest, path: 'src/module.js', language: 'javascript' });
      expect(target?.exportName).toBe(exportName);
      expect(target?.source).toBe(lineRange(head, want.startLine, want.endLine));
    }
  });
});

import { describe, test } from 'vitest';
import { expectShape, type ShapeCase } from './detect-helpers.js';
import { lines } from './git-fixture.js';

const cases: ShapeCase[] = [
  {
    name: 'typed function declaration',
    head: lines(
      'export function sum(values: number[]): number {',
      '  return values.reduce((a, b) => a + b, 0);',
      '}',
    ),
    changed: [2],
    expected: [
      { name: 'sum', kind: 'function', startLine: 1, endLine: 3, changedLines: [2], exportName: 'sum' },
    ],
  },
  {
    name: 'overload signatures are not targets; the implementation is, alone',
    head: lines(
      'export function parse(input: string): number;',
      'export function parse(input: number): number;',
      'export function parse(input: string | number): number {',
      '  return Number(input);',
      '}',
    ),
    changed: [4],
    expected: [
      { name: 'parse', kind: 'function', startLine: 3, endLine: 5, changedLines: [4], exportName: 'parse' },
    ],
  },
  {
    name: 'a change to an overload signature alone targets nothing',
    head: lines(
      'function pick(a: string): string;',
      'function pick(a: unknown): unknown {',
      '  return a;',
      '}',
    ),
    changed: [1],
    expected: [],
  },
  {
    name: 'class members: constructor, static, private #m, accessibility, getter and setter, method overloads',
    head: lines(
      'export class Cache<T> {',
      '  private items = new Map<string, T>();',
      '  constructor(private readonly limit: number) {',
      '    this.limit = limit;',
      '  }',
      '  static create<T>(): Cache<T> {',
      '    return new Cache<T>(10);',
      '  }',
      '  #evict(): void {',
      '    this.items.clear();',
      '  }',
      '  get size(): number {',
      '    return this.items.size;',
      '  }',
      '  set size(value: number) {',
      '    this.limit = value;',
      '  }',
      '  get(key: string): T | undefined;',
      '  get(key: string, fallback: T): T;',
      '  public get(key: string, fallback?: T): T | undefined {',
      '    return this.items.get(key) ?? fallback;',
      '  }',
      '}',
    ),
    changed: [4, 7, 10, 13, 16, 21],
    expected: [
      {
        name: 'Cache.constructor',
        kind: 'method',
        startLine: 3,
        endLine: 5,
        changedLines: [4],
        member: { owner: 'Cache', ownerExportName: 'Cache', static: false },
      },
      {
        name: 'Cache.create',
        kind: 'method',
        startLine: 6,
        endLine: 8,
        changedLines: [7],
        member: { owner: 'Cache', ownerExportName: 'Cache', static: true },
      },
      { name: 'Cache.#evict', kind: 'method', startLine: 9, endLine: 11, changedLines: [10] },
      {
        name: 'Cache.size',
        kind: 'method',
        startLine: 12,
        endLine: 14,
        changedLines: [13],
        member: { owner: 'Cache', ownerExportName: 'Cache', static: false, accessor: 'get' },
      },
      {
        name: 'Cache.size',
        kind: 'method',
        startLine: 15,
        endLine: 17,
        changedLines: [16],
        member: { owner: 'Cache', ownerExportName: 'Cache', static: false, accessor: 'set' },
      },
      { name: 'Cache.get', kind: 'method', startLine: 20, endLine: 22, changedLines: [21] },
    ],
  },
  {
    name: 'decorators are inside the range (class-body siblings in the TypeScript grammar)',
    head: lines(
      'class Service {',
      '  @memoize()',
      '  @trace',
      '  async load(id: string): Promise<string> {',
      '    return id;',
      '  }',
      '}',
    ),
    changed: [5],
    expected: [
      { name: 'Service.load', kind: 'method', startLine: 2, endLine: 6, changedLines: [5], async: true },
    ],
  },
  {
    name: 'a changed decorator alone changes the method',
    head: lines(
      'class Service {',
      '  @memoize({ ttl: 5 })',
      '  load(id: string): string {',
      '    return id;',
      '  }',
      '}',
    ),
    base: lines(
      'class Service {',
      '  @memoize({ ttl: 1 })',
      '  load(id: string): string {',
      '    return id;',
      '  }',
      '}',
    ),
    expected: [{ name: 'Service.load', kind: 'method', startLine: 2, endLine: 5, changedLines: [2] }],
  },
  {
    name: 'abstract class: the abstract signature is not a target, the implemented method is',
    head: lines(
      'export abstract class Shape {',
      '  abstract area(): number;',
      '  describe(): string {',
      '    return `area ${this.area()}`;',
      '  }',
      '}',
    ),
    changed: [2, 4],
    expected: [
      {
        name: 'Shape.describe',
        kind: 'method',
        startLine: 3,
        endLine: 5,
        changedLines: [4],
        member: { owner: 'Shape', ownerExportName: 'Shape', static: false },
      },
    ],
  },
  {
    name: 'arrow class field with types',
    head: lines(
      'class View {',
      '  private onClick = (event: MouseEvent): void => {',
      '    console.log(event);',
      '  };',
      '}',
    ),
    changed: [3],
    expected: [
      {
        name: 'View.onClick',
        kind: 'arrow',
        startLine: 2,
        endLine: 4,
        changedLines: [3],
        member: { owner: 'View', static: false },
      },
    ],
  },
  {
    name: 'typed const arrow, generic arrow, async and generator functions',
    head: lines(
      'export const double: (n: number) => number = (n) => {',
      '  return n * 2;',
      '};',
      'const identity = <T>(value: T): T => {',
      '  return value;',
      '};',
      'export async function* pages(url: string): AsyncGenerator<string> {',
      '  yield url;',
      '}',
    ),
    changed: [2, 5, 8],
    expected: [
      { name: 'double', kind: 'arrow', startLine: 1, endLine: 3, changedLines: [2], exportName: 'double' },
      { name: 'identity', kind: 'arrow', startLine: 4, endLine: 6, changedLines: [5] },
      {
        name: 'pages',
        kind: 'generator',
        startLine: 7,
        endLine: 9,
        changedLines: [8],
        exportName: 'pages',
        async: true,
        generator: true,
      },
    ],
  },
  {
    name: 'object-literal methods and default export',
    head: lines(
      'export const api = {',
      '  fetch(id: number): number {',
      '    return id;',
      '  },',
      '};',
      'export default function (a: number): number {',
      '  return a * 2;',
      '}',
    ),
    changed: [3, 7],
    expected: [
      {
        name: 'api.fetch',
        kind: 'method',
        startLine: 2,
        endLine: 4,
        changedLines: [3],
        member: { owner: 'api', ownerExportName: 'api', static: false },
      },
      {
        name: 'default',
        kind: 'function-expression',
        startLine: 6,
        endLine: 8,
        changedLines: [7],
        exportName: 'default',
      },
    ],
  },
  {
    name: 'nested: innermost wins, outer body change targets the outer',
    head: lines(
      'export function outer(xs: number[]): number[] {',
      '  function inner(x: number): number {',
      '    return x * 2;',
      '  }',
      '  return xs.map(inner);',
      '}',
    ),
    changed: [3, 5],
    expected: [
      { name: 'outer', kind: 'function', startLine: 1, endLine: 6, changedLines: [5], exportName: 'outer' },
      { name: 'outer.inner', kind: 'function', startLine: 2, endLine: 4, changedLines: [3] },
    ],
  },
  {
    name: '.mts and .cts are TypeScript',
    path: 'src/module.mts',
    head: lines('export function f(a: number): number {', '  return a + 1;', '}'),
    changed: [2],
    expected: [{ name: 'f', kind: 'function', startLine: 1, endLine: 3, changedLines: [2], exportName: 'f' }],
  },
  {
    name: '.cts',
    path: 'src/module.cts',
    head: lines('export function f(a: number): number {', '  return a + 1;', '}'),
    changed: [2],
    expected: [{ name: 'f', kind: 'function', startLine: 1, endLine: 3, changedLines: [2], exportName: 'f' }],
  },
];

const tsxCases: ShapeCase[] = [
  {
    name: 'component function with JSX and typed props',
    head: lines(
      'interface Props { items: string[] }',
      'export function List({ items }: Props) {',
      '  return <ul>{items.map((i) => <li key={i}>{i}</li>)}</ul>;',
      '}',
    ),
    changed: [3],
    expected: [
      { name: 'List', kind: 'function', startLine: 2, endLine: 4, changedLines: [3], exportName: 'List' },
    ],
  },
  {
    name: 'generic arrow component (`<T,>` in TSX) and a class component method',
    head: lines(
      'export const Select = <T,>({ value }: { value: T }) => {',
      '  return <span>{String(value)}</span>;',
      '};',
      'export class Panel extends Component {',
      '  render() {',
      '    return <div className="panel" />;',
      '  }',
      '}',
    ),
    changed: [2, 6],
    expected: [
      { name: 'Select', kind: 'arrow', startLine: 1, endLine: 3, changedLines: [2], exportName: 'Select' },
      {
        name: 'Panel.render',
        kind: 'method',
        startLine: 5,
        endLine: 7,
        changedLines: [6],
        member: { owner: 'Panel', ownerExportName: 'Panel', static: false },
      },
    ],
  },
];

const rewrite = (_line: string, lineNumber: number) => `// old ${lineNumber}`;

describe('TypeScript function shapes', () => {
  test.for(cases)('$name', async (shape) => {
    await expectShape(shape, { path: 'src/module.ts', language: 'typescript', rewrite });
  });
});

describe('TSX function shapes', () => {
  test.for(tsxCases)('$name', async (shape) => {
    await expectShape(shape, { path: 'src/view.tsx', language: 'tsx', rewrite });
  });
});

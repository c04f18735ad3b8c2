import fc from 'fast-check';
import { expect } from 'vitest';
import type { GrammarName } from '../../../src/detect/tree-sitter.js';
import type { Rule } from '../../../src/providers/rules/index.js';
import { type Fn, type PythonCase, rewrite, runPython } from './harness.js';

/** Keys that objects, prototypes and `Object.keys` treat specially, mixed with short ordinary ones. */
export const adversarialKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'length', '0', '1', '-0', 'NaN'),
  fc.string({ maxLength: 2 }),
);

/** Values where SameValueZero, `===` and `==` part ways, plus plain ones. */
export const adversarialScalar = fc.oneof(
  fc.constantFrom(Number.NaN, -0, 0, undefined, null, '', '0', true, false),
  fc.integer({ min: -3, max: 3 }),
  adversarialKey,
);

/** An object built with defineProperty, so a `__proto__` key is an own key, as JSON.parse would make it. */
export function objectOf<T>(entries: fc.Arbitrary<[string, T][]>): fc.Arbitrary<Record<string, T>> {
  return entries.map((pairs) => {
    const object: Record<string, T> = {};
    for (const [key, value] of pairs) {
      Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
    }
    return object;
  });
}

/** Arrays of `item`, some with holes. */
export function sparseArrayOf<T>(item: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc
    .tuple(fc.array(item, { maxLength: 8 }), fc.array(fc.nat(9), { maxLength: 2 }))
    .map(([items, holes]) => {
      const array = [...items];
      for (const hole of holes) if (hole < array.length) delete array[hole];
      return array;
    });
}

/**
 * A value as text that tells apart everything a caller could observe: NaN, -0, holes, own keys in order
 * (`__proto__` included), prototypes, symbols; cycles are marked.
 */
export function describe(value: unknown, seen = new Set<unknown>()): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'symbol' || typeof value === 'bigint') return `${typeof value}:${String(value)}`;
  if (typeof value === 'function') return 'function';
  if (value === null || typeof value !== 'object') return String(value);
  if (seen.has(value)) return '<cycle>';
  seen.add(value);
  const prototype = Object.getPrototypeOf(value);
  const kind =
    prototype === Object.prototype
      ? 'Object'
      : prototype === Array.prototype
        ? 'Array'
        : prototype === null
          ? 'null-prototype'
          : `other(${describe(prototype, seen)})`;
  const parts = Reflect.ownKeys(value).map((key) => {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    const shown = 'value' in (descriptor ?? {}) ? describe(descriptor?.value, seen) : 'accessor';
    return `${typeof key === 'symbol' ? String(key) : JSON.stringify(key)}:${shown}`;
  });
  seen.delete(value);
  return `${kind}{${parts.join(',')}}`;
}

function outcome(fn: Fn, args: unknown[]): string {
  try {
    const value = fn(...args);
    return `returned ${describe(value)}; arguments ${describe(args)}`;
  } catch (error) {
    return `threw ${(error as Error)?.constructor?.name}; arguments ${describe(args)}`;
  }
}

/** A plain function declaration or expression text as a callable, in sloppy mode like a CommonJS file. */
function compile(source: string): Fn {
  return new Function(`return (${source.trim().replace(/^export\s+/, '')});`)() as Fn;
}

export interface JsProperty {
  rule: Rule;
  source: string;
  /** Arguments for one call; each run gets its own copy, built fresh by the arbitrary. */
  args: fc.Arbitrary<unknown[]>;
  grammar?: GrammarName;
  numRuns?: number;
  /** Known failing inputs, replayed first on every run. */
  examples?: unknown[][];
}

/** Rewrites `source` with the rule alone, then checks both versions agree on every generated input. */
export async function expectRuleKeepsBehaviour(property: JsProperty): Promise<string> {
  const rewritten = await rewrite(property.source, [property.rule], property.grammar);
  expect(rewritten, `${property.rule.id} does not fire on:\n${property.source}`).not.toBeNull();
  const before = compile(property.source);
  const after = compile(rewritten as string);
  fc.assert(
    fc.property(fc.clone(property.args, 2), ([first, second]) => {
      expect(outcome(after, second as unknown[]), `rewrite:\n${rewritten}`).toBe(
        outcome(before, first as unknown[]),
      );
    }),
    {
      numRuns: property.numRuns ?? 300,
      examples: (property.examples ?? []).map((args) => [[structuredClone(args), structuredClone(args)]]),
    },
  );
  return rewritten as string;
}

/** A JavaScript value as a Python literal: arrays → lists, `{ t: [...] }` → tuples, NaN → float('nan'). */
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return "float('nan')";
    if (Object.is(value, -0)) return '-0.0';
    return Number.isInteger(value) ? String(value) : value.toString();
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  const { tuple, float } = value as { tuple?: unknown[]; float?: number };
  if (tuple) return `(${tuple.map(pythonLiteral).join(', ')}${tuple.length === 1 ? ',' : ''})`;
  if (float !== undefined) return `${float}.0`;
  throw new Error(`no Python literal for ${String(value)}`);
}

/** Python values where `==`, hashing and identity part ways: 1 / 1.0 / True, NaN, -0.0, unhashable lists. */
export const pythonScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -2, max: 2 }),
  fc.constantFrom(Number.NaN, -0, true, false, null, '', 'a', 'ab'),
  fc.integer({ min: -2, max: 2 }).map((float) => ({ float })),
  fc.string({ maxLength: 2 }),
  fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
  fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }).map((tuple) => ({ tuple })),
);

export interface PythonProperty {
  rule: Rule;
  source: string;
  callable: string;
  /** Argument lists, rendered as Python tuples. */
  args: fc.Arbitrary<unknown[]>;
  numRuns?: number;
  examples?: unknown[][];
}

/** One python3 run over all generated inputs (and the known failing ones first). */
export async function expectPythonRuleKeepsBehaviour(property: PythonProperty): Promise<string> {
  const rewritten = await rewrite(property.source, [property.rule], 'python');
  expect(rewritten, `${property.rule.id} does not fire on:\n${property.source}`).not.toBeNull();
  const samples = [
    ...(property.examples ?? []),
    ...fc.sample(property.args, { numRuns: property.numRuns ?? 300, seed: 13 }),
  ];
  const inputs = samples.map(
    (args) => `(${args.map(pythonLiteral).join(', ')}${args.length === 1 ? ',' : ''})`,
  );
  const imports = (property.rule.imports ?? []).map((line) => `${line}\n`).join('');
  const pythonCase: PythonCase = {
    original: property.source,
    rewritten: imports + (rewritten as string),
    callable: property.callable,
    inputs,
  };
  const report = await runPython(pythonCase);
  report.results.forEach(({ before, after }, index) => {
    expect(after, `input ${inputs[index]}, rewrite:\n${rewritten}`).toBe(before);
  });
  return rewritten as string;
}

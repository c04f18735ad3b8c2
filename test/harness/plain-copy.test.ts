import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a runtime module of the sandbox, plain JavaScript without declarations.
import { plainCopier } from '../../src/harness/node/plain-copy.mjs';

type Copier = (() => unknown) | undefined;
const copierOf = (value: unknown): Copier => plainCopier(deserialize(serialize(value)), ['__marker']);

describe('plainCopier (fresh argument copies for timed batches)', () => {
  it('copies plain data exactly, as deserialize would, and never hands out the same object twice', () => {
    const posts = [
      { id: 'p1', tags: ['a', 'b'], score: -0, nested: { deep: [1, 2.5, null, true, 10n] } },
      { id: 'p2', tags: [], score: Number.NaN, nested: { deep: [] }, 7: 'integer key', z: undefined },
    ];
    const copier = copierOf({ args: [posts, 'text', 3], receiver: undefined });
    expect(copier).toBeTypeOf('function');
    type Copied = { args: [Post[], string, number] };
    type Post = { score: number; tags: string[] };
    const first = (copier as () => Copied)();
    const second = (copier as () => Copied)();
    expect(first).toEqual(deserialize(serialize({ args: [posts, 'text', 3], receiver: undefined })));
    expect(Object.is(first.args[0][0]?.score, -0)).toBe(true);
    expect(Object.keys(first.args[0][1] ?? {})).toEqual(Object.keys(posts[1] ?? {}));
    expect(first.args[0]).not.toBe(second.args[0]);
    expect(first.args[0][0]?.tags).not.toBe(second.args[0][0]?.tags);
  });

  it.each([
    ['a Map', new Map([[1, 2]])],
    ['a Set', new Set([1])],
    ['a Date', new Date(0)],
    ['a typed array', new Uint8Array([1, 2])],
    ['an array with a hole', [1, , 3]],
    ['an array with an extra property', Object.assign([1, 2], { extra: true })],
    [
      'an object reached twice',
      (() => {
        const shared = { n: 1 };
        return [shared, shared];
      })(),
    ],
    [
      'a cycle',
      (() => {
        const node: { self?: unknown } = {};
        node.self = node;
        return node;
      })(),
    ],
    ['a recorder marker', { __marker: 'Point', state: {} }],
  ])('leaves %s to deserialize', (_, value) => {
    expect(copierOf({ args: [value] })).toBeUndefined();
  });

  it('leaves an own __proto__ key to deserialize, which a copy by assignment would turn into a prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}}');
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(copierOf([value])).toBeUndefined();
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';

// The recorder reads its capture directory when it loads, as it does inside the sandbox.
const captureDir = mkdtempSync(join(tmpdir(), 'afterburner-recorder-'));
process.env.AFTERBURNER_CAPTURE_DIR = captureDir;
const recorder = createRequire(import.meta.url)('../../src/harness/node/recorder.cjs') as {
  wrap<F extends (...args: never[]) => unknown>(id: string, fn: F): F;
};

type Fn = (...args: unknown[]) => unknown;

/** The records written for one target: each call's arguments as recorded and its callbacks' logs. */
function recordsOf(id: string): { callbacks: { calls: Buffer[] }[] }[] {
  const data = readFileSync(join(captureDir, `${id}.calls`));
  const records = [];
  for (let at = 0; at < data.length; ) {
    const size = data.readUInt32LE(at);
    records.push(deserialize(data.subarray(at + 4, at + 4 + size)));
    at += 4 + size;
  }
  return records;
}

afterAll(() => rmSync(captureDir, { recursive: true, force: true }));

describe('recording leaves what the test sees unchanged (qs merge, debounce-like results)', () => {
  it('a callback the call returns or stores is the test’s own function, and its calls are still logged', () => {
    const merge = recorder.wrap('merge', (target: unknown, source: object) =>
      typeof target === 'function' ? [target, source] : Object.assign(target as object, source),
    );
    const func = function f() {};
    const merged = merge(func, { foo: 'bar' }) as unknown[];
    expect(merged[0]).toBe(func);

    const store = recorder.wrap('store', (box: { cb?: Fn }, cb: Fn) => {
      box.cb = cb;
      cb(2);
      return cb;
    });
    const box: { cb?: Fn } = {};
    const callback = (n: unknown) => Number(n) * 3;
    expect(store(box, callback)).toBe(callback);
    expect(box.cb).toBe(callback);
    const [record] = recordsOf('store');
    expect(record?.callbacks[0]?.calls).toHaveLength(1);
    expect(deserialize(record?.callbacks[0]?.calls[0] as Buffer)).toEqual({
      args: [2],
      answer: { result: 6 },
    });
  });

  it('a function argument’s own properties reach the callee', () => {
    const keys = recorder.wrap('keys', (source: object) => Object.keys(source));
    const func = Object.assign(function f() {}, { bar: 'baz' });
    expect(keys(func)).toEqual(['bar']);
  });

  it('a returned function keeps its own properties and its class, and calls to it are recorded', () => {
    const debounce = recorder.wrap('debounce', (wait: number) =>
      Object.assign((x: number) => x + wait, { cancel: () => 'cancelled' }),
    );
    const debounced = debounce(2) as ((x: number) => number) & { cancel(): string };
    expect(debounced(3)).toBe(5);
    expect(debounced.cancel()).toBe('cancelled');
    class Point {
      constructor(public x: number) {}
    }
    const classOf = recorder.wrap('classOf', () => Point);
    const Made = classOf() as typeof Point;
    expect(new Made(4)).toBeInstanceOf(Point);
    expect(new Made(4).x).toBe(4);
    expect(recordsOf('debounce').length).toBeGreaterThan(1);
  });

  it('never reads through a Proxy (immer drafts): no trap runs, the call goes on, the skip names why', () => {
    const traps: string[] = [];
    const handler = new Proxy(
      {},
      {
        get: (_target, trap: string) => () => {
          traps.push(trap);
          throw new Error(`trap ${trap}`);
        },
      },
    );
    const draft = new Proxy({ nested: { a: 1 } }, handler as ProxyHandler<object>);
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const isPlain = recorder.wrap('isPlain', (value: unknown) => typeof value === 'object' && value !== null);
    expect(isPlain(draft)).toBe(true);
    expect(isPlain(revoked)).toBe(true);
    const identity = recorder.wrap('identity', (value: unknown) => value);
    expect(identity(revoked)).toBe(revoked);
    expect(traps).toEqual([]);
    expect(readFileSync(join(captureDir, 'isPlain.skipped'), 'utf8')).toBe('a Proxy\na Proxy\n');
  });
});

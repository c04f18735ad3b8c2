import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { nodeHarnessDir, pythonHarnessDir } from '../../src/paths.js';

const run = promisify(execFile);

type Mode = 'fresh' | 'repeat';
interface Outcome {
  value?: unknown;
  error?: { type: string; message: string };
}
interface Recorded {
  pre: Buffer;
  callbacks: unknown[];
  followUps: unknown[];
}
interface Entry {
  fn: (...args: never[]) => unknown;
}
interface ScaleInputs {
  growArgs(args: unknown[], factor: number, mode: Mode): unknown[] | undefined;
  inputSize(args: unknown[]): number;
}
interface ScaledCalls {
  deriveScaledCalls(options: {
    calls: Recorded[];
    scale: { factors: number[]; budgetNs: number; maxCalls: number };
    original: Entry;
    outcome: (entry: Entry, record: Recorded) => Promise<Outcome>;
    difference: (a: Outcome, b: Outcome) => unknown;
  }): Promise<{
    scales: { factor: number; calls: { record: Recorded; index: number; n: number; mode: Mode }[] }[];
    notes: string[];
  }>;
}

const load = async <T>(file: string) => (await import(pathToFileURL(join(nodeHarnessDir, file)).href)) as T;
const { growArgs, inputSize } = await load<ScaleInputs>('scale-inputs.mjs');
const { deriveScaledCalls } = await load<ScaledCalls>('scaled-calls.mjs');

describe('growing recorded JavaScript inputs', () => {
  it('grows arrays with fresh distinct numbers and suffixed strings first', () => {
    const [numbers, strings] = growArgs(
      [
        [3, 1, 3],
        ['a', 'b'],
      ],
      10,
      'fresh',
    ) as [number[], string[]];
    expect(numbers).toHaveLength(30);
    expect(numbers.slice(0, 6)).toEqual([3, 1, 3, 6, 4, 6]);
    // Every copy is shifted past the collection's range, so copies never collide with each other.
    expect(new Set(numbers).size).toBe(20);
    expect(strings.slice(0, 4)).toEqual(['a', 'b', 'a~1', 'b~1']);
    expect(new Set(strings).size).toBe(20);
  });

  it('repeats the elements as the fallback', () => {
    expect(growArgs([[1, 2]], 3, 'repeat')).toEqual([[1, 2, 1, 2, 1, 2]]);
  });

  it('grows strings, Maps, Sets and collections inside plain objects; leaves scalars and class instances', () => {
    const instance = { __afterburnerInstance: 'Point', state: { x: 1 } };
    const [text, map, set, options, count, point] = growArgs(
      ['ab', new Map([[1, 'x']]), new Set(['k']), { items: [1, 2], limit: 3 }, 7, instance],
      100,
      'fresh',
    ) as [string, Map<number, string>, Set<string>, { items: number[]; limit: number }, number, unknown];
    expect(text).toHaveLength(200);
    expect(map.size).toBe(100);
    expect(map.get(2)).toBe('x~1');
    expect(set.size).toBe(100);
    expect(options.items).toHaveLength(200);
    expect(options.limit).toBe(3);
    expect(count).toBe(7);
    expect(point).toEqual(instance);
  });

  it('measures a call by its largest collection, and does not grow a call without one', () => {
    expect(inputSize([[1, 2, 3], 'abcde', { rows: [1] }])).toBe(5);
    expect(growArgs([1, true, null], 10, 'fresh')).toBeUndefined();
  });
});

/** A recorded call the way the recorder writes it, and the verify runner's outcome of replaying it. */
const recorded = (...args: unknown[]): Recorded => ({
  pre: serialize({ args }),
  callbacks: [],
  followUps: [],
});
async function outcome(entry: Entry, record: Recorded): Promise<Outcome> {
  const { args } = deserialize(record.pre) as { args: never[] };
  try {
    return { value: entry.fn(...args) };
  } catch (error) {
    return { error: { type: (error as Error).name, message: (error as Error).message } };
  }
}
const difference = (a: Outcome, b: Outcome) => JSON.stringify(a) !== JSON.stringify(b);
const scale = { factors: [10, 100, 1000], budgetNs: 5e9, maxCalls: 4 };

describe('deriving scaled calls (JavaScript runner)', () => {
  it('keeps grown calls the original handles, at each factor, largest calls first', async () => {
    const sum = { fn: (xs: number[]) => xs.reduce((a, b) => a + b, 0) };
    const { scales, notes } = await deriveScaledCalls({
      calls: [recorded([1, 2]), recorded([1, 2, 3, 4, 5])],
      scale,
      original: sum,
      outcome,
      difference,
    });
    expect(notes).toEqual([]);
    expect(scales.map((s) => [s.factor, s.calls.map((c) => [c.index, c.n, c.mode])])).toEqual([
      [
        10,
        [
          [1, 50, 'fresh'],
          [0, 20, 'fresh'],
        ],
      ],
      [
        100,
        [
          [1, 500, 'fresh'],
          [0, 200, 'fresh'],
        ],
      ],
      [
        1000,
        [
          [1, 5000, 'fresh'],
          [0, 2000, 'fresh'],
        ],
      ],
    ]);
  });

  it('drops a grown input the original throws on, with the reason, and stops growing that call', async () => {
    const row = {
      fn: (cells: number[]) => {
        if (cells.length > 8) throw new RangeError('a row has at most 8 cells');
        return cells.length;
      },
    };
    const { scales, notes } = await deriveScaledCalls({
      calls: [recorded([1, 2, 3, 4, 5])],
      scale,
      original: row,
      outcome,
      difference,
    });
    expect(scales).toEqual([]);
    expect(notes).toEqual([
      '×10 of call 0: dropped, the original throws RangeError: a row has at most 8 cells',
    ]);
  });

  it('falls back to repeated elements when fresh ones break the function', async () => {
    const smallValues = {
      fn: (xs: number[]) => {
        if (xs.some((x) => x > 9)) throw new RangeError('digits only');
        return xs.length;
      },
    };
    const { scales } = await deriveScaledCalls({
      calls: [recorded([1, 2, 3])],
      scale: { ...scale, factors: [10] },
      original: smallValues,
      outcome,
      difference,
    });
    expect(scales[0]?.calls[0]?.mode).toBe('repeat');
  });

  it('leaves out calls with callbacks and calls that threw', async () => {
    const first = { fn: (xs: number[]) => xs[0] };
    const withCallback = { ...recorded([1, 2]), callbacks: [{}] };
    const { scales } = await deriveScaledCalls({
      calls: [withCallback, recorded([])],
      scale,
      original: first,
      outcome,
      difference,
    });
    expect(scales).toEqual([]);
  });
});

describe('growing recorded Python inputs (afterburner_scale.py)', () => {
  it('grows lists, tuples, strings, dicts and sets, fresh first, and drops inputs the original raises on', async () => {
    const script = `
import json, pickle, sys
sys.path.insert(0, ${JSON.stringify(pythonHarnessDir)})
from afterburner_scale import grow_call, input_size, derive_scaled_calls
call = {"args": ([3, 1, 3], (1, 2), "ab", {"a": 1}, {5}, 7, True), "kwargs": {"names": ["x"]}, "receiver": None}
fresh = grow_call(call, 10, "fresh")
repeat = grow_call(call, 3, "repeat")
def payload(*args):
    return pickle.dumps({"pre": pickle.dumps({"args": args, "kwargs": {}, "receiver": None}), "callbacks": []})
def outcome(fn, data):
    args = pickle.loads(pickle.loads(data)["pre"])["args"]
    try:
        return {"value": fn(*args)}
    except Exception as error:
        return {"error": (type(error).__name__, str(error))}
def row(cells):
    if len(cells) > 8:
        raise ValueError("a row has at most 8 cells")
    return sum(cells)
scale = {"factors": [10, 100], "budgetNs": 5e9, "maxCalls": 4}
kept, notes = derive_scaled_calls([payload([1, 2]), payload([1, 2, 3, 4, 5])], scale, sum, outcome, lambda a, b: a != b)
dropped, drop_notes = derive_scaled_calls([payload([1, 2, 3, 4, 5])], scale, row, outcome, lambda a, b: a != b)
print(json.dumps({
    "size": input_size(call["args"], call["kwargs"]),
    "list": fresh["args"][0][:6], "distinct": len(set(fresh["args"][0])),
    "tuple": [type(fresh["args"][1]).__name__, len(fresh["args"][1])],
    "string": len(fresh["args"][2]), "dict": sorted(fresh["args"][3])[:3], "set": len(fresh["args"][4]),
    "scalars": list(fresh["args"][5:]), "kwargs": fresh["kwargs"]["names"][:3],
    "repeat": repeat["args"][0],
    "kept": [[s["factor"], [[c["index"], c["n"]] for c in s["calls"]]] for s in kept], "notes": notes,
    "dropped": dropped, "dropNotes": drop_notes,
}))
`;
    const { stdout } = await run('python3', ['-c', script]);
    expect(JSON.parse(stdout)).toEqual({
      size: 3,
      list: [3, 1, 3, 6, 4, 6],
      distinct: 20,
      tuple: ['tuple', 20],
      string: 20,
      dict: ['a', 'a~1', 'a~2'],
      set: 10,
      scalars: [7, true],
      kwargs: ['x', 'x~1', 'x~2'],
      repeat: [3, 1, 3, 3, 1, 3, 3, 1, 3],
      kept: [
        [
          10,
          [
            [1, 50],
            [0, 20],
          ],
        ],
        [
          100,
          [
            [1, 500],
            [0, 200],
          ],
        ],
      ],
      notes: [],
      dropped: [],
      dropNotes: ['×10 of call 0: dropped, the original raises ValueError: a row has at most 8 cells'],
    });
  });
});

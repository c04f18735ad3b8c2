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
interface Scale {
  factor: number;
  calls: { record: Recorded; index: number; n: number; mode: Mode; passNs?: number }[];
  passNs?: number;
}
interface ScaledCalls {
  deriveScaledCalls(options: {
    calls: Recorded[];
    scale: { factors: number[]; budgetNs: number; maxCalls: number; longEnoughNs?: number };
    original: Entry;
    outcome: (entry: Entry, record: Recorded) => Promise<Outcome>;
    difference: (a: Outcome, b: Outcome) => unknown;
    callNs?: (record: Recorded) => Promise<number>;
  }): Promise<{ scales: Scale[]; notes: string[] }>;
  sameCallsAtEveryScale(scales: Scale[], notes: string[]): Scale[];
}

const load = async <T>(file: string) => (await import(pathToFileURL(join(nodeHarnessDir, file)).href)) as T;
const { growArgs, inputSize } = await load<ScaleInputs>('scale-inputs.mjs');
const { deriveScaledCalls, sameCallsAtEveryScale } = await load<ScaledCalls>('scaled-calls.mjs');

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

describe('one series of calls to time and fit (JavaScript runner)', () => {
  const summary = (scales: Scale[]) => scales.map((s) => [s.factor, s.calls.map((c) => c.index), s.passNs]);
  const withPass = (scales: Scale[]) =>
    scales.map((s) => ({ ...s, calls: s.calls.map((c) => ({ ...c, passNs: 10 + c.index })) }));

  it('leaves out the larger factors that lost a call of the largest input, and says so', async () => {
    const sum = { fn: (xs: number[]) => xs.reduce((a, b) => a + b, 0) };
    // 5000 × 1000 elements is past the runner's limit, so only the two-element call reaches ×1000.
    const big = Array.from({ length: 5000 }, (_, i) => i);
    const derived = await deriveScaledCalls({
      calls: [recorded(big), recorded([1, 2])],
      scale,
      original: sum,
      outcome,
      difference,
    });
    expect(derived.scales.map((s) => [s.factor, s.calls.map((c) => c.index)])).toEqual([
      [10, [0, 1]],
      [100, [0, 1]],
      [1000, [1]],
    ]);
    const notes: string[] = [];
    const timed = sameCallsAtEveryScale(withPass(derived.scales), notes);
    expect(summary(timed)).toEqual([
      [10, [0, 1], 21],
      [100, [0, 1], 21],
    ]);
    expect(notes).toEqual(['×1000: checked, not timed: without all the calls of n = 500000 (×100)']);
  });

  it('times a call that stopped growing at no size, so that every size has the same calls', async () => {
    // The string call is rejected once grown past 40 elements; the number call grows on.
    const short = {
      fn: (xs: unknown[]) => {
        if (typeof xs[0] === 'string' && xs.length > 40) throw new RangeError('at most 40 names');
        return xs.length;
      },
    };
    const derived = await deriveScaledCalls({
      calls: [recorded([1, 2, 3, 4, 5]), recorded(['a', 'b'])],
      scale,
      original: short,
      outcome,
      difference,
    });
    const notes: string[] = [];
    const timed = sameCallsAtEveryScale(withPass(derived.scales), notes);
    expect(summary(timed)).toEqual([
      [10, [0], 10],
      [100, [0], 10],
      [1000, [0], 10],
    ]);
    expect(notes).toEqual([
      'call 1: checked as grown, not timed: every timed size repeats the calls of n = 5000 (×1000)',
    ]);
  });

  it('grows past ×1000 while the calls are too short on average, timed warm and alone', async () => {
    const length = { fn: (xs: number[]) => xs.length };
    const derive = (nsPerElement: number) =>
      deriveScaledCalls({
        calls: [recorded([1, 2, 3, 4, 5]), recorded([1, 2])],
        scale: { ...scale, factors: [10, 100, 1000, 10_000], longEnoughNs: 20_000 },
        original: length,
        outcome,
        difference,
        // The call's own time: 5 ns an element puts the five-element call at 25 µs at ×1000 (past 20 µs) and the
        // other at 10 µs; on average 17.5 µs, short enough for both to go on.
        callNs: async (record) =>
          nsPerElement * ((deserialize(record.pre) as { args: number[][] }).args[0]?.length ?? 0),
      });
    const together = await derive(5);
    expect(together.scales.map((s) => [s.factor, s.calls.map((c) => c.index)])).toContainEqual([
      10_000,
      [0, 1],
    ]);
    const longEnough = await derive(10);
    expect(longEnough.scales.map((s) => s.factor)).toEqual([10, 100, 1000]);
  });
});

/** A recorded call the way the Python recorder writes it, and the verify runner's outcome of replaying it. */
const pythonRecorded = `import json, pickle, sys
sys.path.insert(0, ${JSON.stringify(pythonHarnessDir)})
def payload(*args):
    return pickle.dumps({"pre": pickle.dumps({"args": args, "kwargs": {}, "receiver": None}), "callbacks": []})
def outcome(fn, data):
    args = pickle.loads(pickle.loads(data)["pre"])["args"]
    try:
        return {"value": fn(*args)}
    except Exception as error:
        return {"error": (type(error).__name__, str(error))}
`;

describe('growing recorded Python inputs (afterburner_scale.py)', () => {
  it('grows lists, tuples, strings, dicts and sets, fresh first, and drops inputs the original raises on', async () => {
    const script = `
${pythonRecorded}
from afterburner_scale import grow_call, input_size, derive_scaled_calls
call = {"args": ([3, 1, 3], (1, 2), "ab", {"a": 1}, {5}, 7, True), "kwargs": {"names": ["x"]}, "receiver": None}
fresh = grow_call(call, 10, "fresh")
repeat = grow_call(call, 3, "repeat")
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

  it('times one series of calls: the calls of the largest input at every size, warm times deciding ×10 000', async () => {
    const script = `
${pythonRecorded}
from afterburner_scale import derive_scaled_calls, same_calls_at_every_scale
def short(xs):
    if isinstance(xs[0], str) and len(xs) > 40:
        raise ValueError("at most 40 names")
    return len(xs)
def series(scales):
    return [[s["factor"], [c["index"] for c in s["calls"]], s["passNs"]] for s in scales]
def with_pass(scales):
    return [dict(s, calls=[dict(c, passNs=10 + c["index"]) for c in s["calls"]]) for s in scales]
calls = [payload([1, 2, 3, 4, 5]), payload(["a", "b"])]
scale = {"factors": [10, 100, 1000], "budgetNs": 5e9, "maxCalls": 4}
grown, _ = derive_scaled_calls(calls, scale, short, outcome, lambda a, b: a != b)
trim_notes = []
trimmed = same_calls_at_every_scale(with_pass(grown), trim_notes)
big = payload(list(range(5000)))
grown, _ = derive_scaled_calls([big, payload([1, 2])], scale, sum, outcome, lambda a, b: a != b)
drop_notes = []
dropped = same_calls_at_every_scale(with_pass(grown), drop_notes)
def warm(per_element):
    wide = dict(scale, factors=[10, 100, 1000, 10000], longEnoughNs=20000)
    ns = lambda data: per_element * len(pickle.loads(pickle.loads(data)["pre"])["args"][0])
    scales, _ = derive_scaled_calls(calls[:1] + [payload([1, 2])], wide, len, outcome, lambda a, b: a != b, call_ns=ns)
    return [[s["factor"], [c["index"] for c in s["calls"]]] for s in scales]
print(json.dumps({"trimmed": series(trimmed), "trimNotes": trim_notes, "dropped": series(dropped),
                  "dropNotes": drop_notes, "together": warm(5)[-1], "longEnough": [f for f, _ in warm(10)]}))
`;
    const { stdout } = await run('python3', ['-c', script]);
    expect(JSON.parse(stdout)).toEqual({
      trimmed: [
        [10, [0], 10],
        [100, [0], 10],
        [1000, [0], 10],
      ],
      trimNotes: [
        'call 1: checked as grown, not timed: every timed size repeats the calls of n = 5000 (×1000)',
      ],
      dropped: [
        [10, [0, 1], 21],
        [100, [0, 1], 21],
      ],
      dropNotes: ['×1000: checked, not timed: without all the calls of n = 500000 (×100)'],
      together: [10000, [0, 1]],
      longEnough: [10, 100, 1000],
    });
  });
});

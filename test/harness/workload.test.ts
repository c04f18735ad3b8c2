import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { deserialize } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHarnessDir, pythonHarnessDir } from '../../src/paths.js';

const run = promisify(execFile);

interface GeneratorResult {
  status: string;
  sizes?: number[];
  notes?: string[];
  message?: string;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afterburner-workload-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a generator runner on `file` the way the harness does (a spec file, one result line). */
async function generate(command: string[], file: string, budgetNs = 5e9): Promise<GeneratorResult> {
  const out = join(dir, `${file}.calls`);
  const spec = join(dir, `${file}.json`);
  await writeFile(
    spec,
    JSON.stringify({
      generator: join(dir, file),
      out,
      sizes: [100, 1000, 10000],
      budgetNs,
      maxBytes: 2 ** 20,
    }),
  );
  const { stdout } = await run(command[0] as string, [...command.slice(1), spec]);
  const line = stdout.split('\n').findLast((l) => l.startsWith('AFTERBURNER_RESULT '));
  return JSON.parse((line ?? '').slice('AFTERBURNER_RESULT '.length)) as GeneratorResult;
}

const node = (file: string, source: string, budgetNs?: number) =>
  writeFile(
    join(dir, file),
    `${source}\nexport default typeof afterburnerInputs === 'function' ? afterburnerInputs : undefined;\n`,
  ).then(() => generate(['node', join(nodeHarnessDir, 'workload-generator.mjs')], file, budgetNs));

const python = (file: string, source: string) =>
  writeFile(join(dir, file), source).then(() =>
    generate(['python3', join(pythonHarnessDir, 'workload_generator.py')], file),
  );

const { readFrames } = (await import(pathToFileURL(join(nodeHarnessDir, 'frames.mjs')).href)) as {
  readFrames(file: string): { n: number; pre: Buffer }[];
};

/** What the generator wrote: per frame, the size it was made for and the arguments. */
const frames = (file: string) =>
  readFrames(file).map(({ n, pre }) => ({ n, args: (deserialize(pre) as { args: unknown[] }).args }));

describe("the model's input generator, JavaScript (workload-generator.mjs)", () => {
  it('writes the argument lists it returns for each size as plain data', async () => {
    const result = await node('sizes.mjs', 'function afterburnerInputs(n) { return [[n], [n + 1]]; }');
    expect(result).toEqual({ status: 'generated', sizes: [100, 1000, 10000], notes: [] });
    const written = frames(join(dir, 'sizes.mjs.calls'));
    expect(written.map((f) => [f.n, f.args])).toEqual([
      [100, [100]],
      [100, [101]],
      [1000, [1000]],
      [1000, [1001]],
      [10000, [10000]],
      [10000, [10001]],
    ]);
  });

  it('stops at a size whose inputs hold a function, or that throws, and keeps the sizes before it', async () => {
    const callback = await node(
      'callback.mjs',
      'function afterburnerInputs(n) { return n > 100 ? [[() => n]] : [[n]]; }',
    );
    expect(callback.sizes).toEqual([100]);
    expect(callback.notes?.[0]).toBe(
      'n = 1000: its inputs are not plain data (Error: () => n could not be cloned.)',
    );
    const throwing = await node(
      'throwing.mjs',
      "function afterburnerInputs(n) { if (n > 1000) throw new Error('too big'); return [[n]]; }",
    );
    expect(throwing.sizes).toEqual([100, 1000]);
    expect(throwing.notes).toEqual(['n = 10000: the generator threw Error: too big']);
  });

  it('says so when the answer defines no generator, or returns something else than argument lists', async () => {
    expect(await node('none.mjs', 'const x = 1;')).toEqual({
      status: 'error',
      message: 'the answer defines no function `afterburnerInputs(n)`',
    });
    const flat = await node('flat.mjs', 'function afterburnerInputs(n) { return [n]; }');
    expect(flat).toEqual({
      status: 'generated',
      sizes: [],
      notes: ['n = 100: the generator did not return a non-empty array of argument lists'],
    });
  });
});

describe('generated inputs in the verify runner (generated-calls.mjs)', () => {
  interface Outcome {
    value?: unknown;
    error?: { type: string; message: string };
  }
  type Record = { pre: Buffer };
  const load = async () =>
    (await import(pathToFileURL(join(nodeHarnessDir, 'generated-calls.mjs')).href)) as {
      deriveGeneratedCalls(options: {
        workload: { file: string; budgetNs: number };
        original: (...args: number[]) => unknown;
        outcome: (fn: (...args: number[]) => unknown, record: Record) => Promise<Outcome>;
        difference: (a: Outcome, b: Outcome) => unknown;
      }): Promise<{ scales: { factor: number; source: string; calls: { n: number }[] }[]; notes: string[] }>;
    };
  const outcome = async (fn: (...args: number[]) => unknown, record: Record): Promise<Outcome> => {
    const { args } = deserialize(record.pre) as { args: number[] };
    try {
      return { value: fn(...args) };
    } catch (error) {
      return { error: { type: (error as Error).name, message: (error as Error).message } };
    }
  };
  const difference = (a: Outcome, b: Outcome) => JSON.stringify(a) !== JSON.stringify(b) || undefined;

  it('keeps the sizes the original handles and drops the first it throws on, with the reason', async () => {
    await node('limits.mjs', 'function afterburnerInputs(n) { return [[n]]; }');
    const { deriveGeneratedCalls } = await load();
    const bounded = (limit: number) => {
      if (limit > 1000) throw new RangeError('limit above 1000');
      return limit * 2;
    };
    const { scales, notes } = await deriveGeneratedCalls({
      workload: { file: join(dir, 'limits.mjs.calls'), budgetNs: 5e9 },
      original: bounded,
      outcome,
      difference,
    });
    expect(scales.map((s) => [s.factor, s.source, s.calls.map((c) => c.n)])).toEqual([
      [100, 'model', [100]],
      [1000, 'model', [1000]],
    ]);
    expect(notes).toEqual([
      'model-generated inputs at n = 10000: dropped, the original throws RangeError: limit above 1000',
    ]);
  });
});

describe("the model's input generator, Python (workload_generator.py, afterburner_scale.py)", () => {
  it('writes literals that read back equal, and refuses objects', async () => {
    const result = await python(
      'sizes.py',
      'def afterburner_inputs(n):\n    return [(list(range(n)), {"k": n})]\n',
    );
    expect(result).toEqual({ status: 'generated', sizes: [100, 1000, 10000], notes: [] });
    const objects = await python(
      'objects.py',
      'class Box:\n    pass\n\ndef afterburner_inputs(n):\n    return [(Box(),)]\n',
    );
    expect(objects).toEqual({
      status: 'generated',
      sizes: [],
      notes: ['n = 100: its inputs are not plain literals (numbers, strings, lists, dicts, sets...)'],
    });
    expect(await python('none.py', 'x = 1\n')).toEqual({
      status: 'error',
      message: 'the answer defines no function `afterburner_inputs(n)`',
    });
  });

  it('keeps the sizes the original handles in the verify runner and drops the first it raises on', async () => {
    await python('limits.py', 'def afterburner_inputs(n):\n    return [(n,)]\n');
    const script = `
import json, pickle, sys, time
sys.path.insert(0, ${JSON.stringify(pythonHarnessDir)})
from afterburner_scale import derive_generated_calls
def outcome(fn, data):
    args = pickle.loads(pickle.loads(data)["pre"])["args"]
    try:
        return {"value": fn(*args)}
    except Exception as error:
        return {"error": (type(error).__name__, str(error))}
def bounded(limit):
    if limit > 1000:
        raise ValueError("limit above 1000")
    return limit * 2
workload = {"file": ${JSON.stringify(join(dir, 'limits.py.calls'))}, "budgetNs": 5e9}
scales, notes = derive_generated_calls(workload, bounded, outcome, lambda a, b: a != b, time.perf_counter_ns)
print(json.dumps({"scales": [[s["factor"], s["source"], [c["n"] for c in s["calls"]]] for s in scales], "notes": notes}))
`;
    const { stdout } = await run('python3', ['-c', script]);
    expect(JSON.parse(stdout)).toEqual({
      scales: [
        [100, 'model', [100]],
        [1000, 'model', [1000]],
      ],
      notes: [
        'model-generated inputs at n = 10000: dropped, the original raises ValueError: limit above 1000',
      ],
    });
  });
});

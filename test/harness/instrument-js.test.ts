import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deserialize } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../src/detect/types.js';
import { javascript } from '../../src/languages/javascript/detect/javascript.js';
import {
  type InstrumentMode,
  instrumentJavaScript,
} from '../../src/languages/javascript/harness/instrument-js.js';
import { copyRecorder } from '../helpers/recorder.js';

const run = promisify(execFile);

// A root-level CommonJS module with the shapes people write: a curried helper (its own small curry), CommonJS
// assignments, object-literal methods of module.exports and of an exports.x object, a static member.
const lib = `'use strict';
function curry(fn) {
  return function curried(...args) {
    return args.length >= fn.length ? fn(...args) : (...more) => curried(...args, ...more);
  };
}
const omit = curry(function omit(names, obj) {
  const out = {};
  for (const key of Object.keys(obj)) if (!names.includes(key)) out[key] = obj[key];
  return out;
});
module.exports.parse = function (text) {
  return text.split(',');
};
module.exports.nth = curry(function nth(offset, list) {
  return list[offset];
});
exports.api = {
  twice(x) {
    return x * 2;
  },
};
class Box {
  static make(x) {
    return [x];
  }
}
module.exports.omit = omit;
module.exports.Box = Box;
function factory() {
  return {
    hidden(x) {
      return x;
    },
  };
}
module.exports.factory = factory;
`;

const exportsObject = `module.exports = {
  uniq(xs) {
    return [...new Set(xs)];
  },
};
`;

// Code that runs while the module loads: underscore's IIFE assigning to \`_\`, and a UMD wrapper's factory.
const iife = `(function () {
  var _ = function (obj) {
    return obj;
  };
  _.isObject = function (obj) {
    var type = typeof obj;
    return type === 'function' || (type === 'object' && !!obj);
  };
  _.size = function () {
    return this.length;
  };
  function helper(xs) {
    return xs.length;
  }
  _.count = helper;
  _.bin = function () {
    function histogram(data) {
      return data.length;
    }
    return histogram;
  };
  module.exports = _;
}.call(this));
(function (root, factory) {
  module.exports.umd = factory();
})(this, function () {
  function chooseStyle(s) {
    return s.length > 3 ? 'long' : 'short';
  }
  return { chooseStyle: chooseStyle };
});
`;

const texts: Record<string, string> = { 'lib.js': lib, 'obj.js': exportsObject, 'iife.js': iife };

async function targetsOf(text: string, path: string): Promise<Map<string, Target>> {
  const parsed = await javascript.parse(text);
  if (!parsed.ok) throw new Error('syntax error');
  const lines = text.split('\n');
  const targets = parsed.functions.map(
    (fn): Target => ({
      ...fn,
      id: `${path}:${fn.name}`,
      path,
      language: 'javascript',
      source: lines.slice(fn.startLine - 1, fn.endLine).join('\n'),
      changedLines: [],
      context: '',
    }),
  );
  parsed.dispose();
  return new Map(targets.map((t) => [t.name, t]));
}

async function instrument(text: string, target: Target, mode: InstrumentMode): Promise<string> {
  const result = await instrumentJavaScript({
    fileText: text,
    target,
    mode,
    esm: false,
    recorderSpecifier: './.afterburner-harness/recorder.cjs',
  });
  if (!result.ok) throw new Error(result.reason);
  return result.text;
}

describe('instrumentJavaScript on wrapped definitions, CommonJS exports and members', () => {
  let dir: string;
  let targets: Map<string, Target>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'afterburner-instrument-'));
    await mkdir(join(dir, '.afterburner-harness'));
    await copyRecorder(join(dir, '.afterburner-harness'));
    targets = new Map([
      ...(await targetsOf(lib, 'lib.js')),
      ...(await targetsOf(exportsObject, 'obj.js')),
      ...(await targetsOf(iife, 'iife.js')),
    ]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Runs `script` in a fresh Node with `file` instrumented to record `name`; returns the recorded arguments. */
  async function recorded(name: string, script: string): Promise<unknown[][]> {
    const target = targets.get(name) as Target;
    const text = texts[target.path] as string;
    const instrumented = await instrument(text, target, { kind: 'record' });
    expect(instrumented.split('\n').length).toBe(text.split('\n').length);
    await writeFile(join(dir, target.path), instrumented);
    const capture = join(dir, `capture-${name}`);
    await rm(capture, { recursive: true, force: true });
    await mkdir(capture, { recursive: true });
    await run(process.execPath, ['-e', script], { cwd: dir, env: { AFTERBURNER_CAPTURE_DIR: capture } });
    const files = (await readdir(capture)).filter((f) => f.endsWith('.calls'));
    if (files.length === 0) return [];
    const buffer = await readFile(join(capture, files[0] as string));
    const calls: unknown[][] = [];
    for (let at = 0; at < buffer.length; ) {
      const size = buffer.readUInt32LE(at);
      // Each record keeps the arguments as they were before the call, serialized on their own.
      const record = deserialize(buffer.subarray(at + 4, at + 4 + size)) as { pre: Uint8Array };
      calls.push((deserialize(record.pre) as { args: unknown[] }).args);
      at += 4 + size;
    }
    return calls;
  }

  /** What the verify runner calls with `args`: the registered function, loaded from the instrumented file. */
  async function replayed(name: string, args: unknown[]): Promise<unknown> {
    const target = targets.get(name) as Target;
    const text = texts[target.path] as string;
    await writeFile(
      join(dir, target.path),
      await instrument(text, target, { kind: 'register', role: 'original' }),
    );
    const script = `require('./${target.path}');
      const entry = globalThis.__afterburnerRegistry.original;
      const args = ${JSON.stringify(args)};
      const result = entry.kind === 'function' ? entry.fn(...args)
        : Object.getOwnPropertyDescriptor(entry.own ? entry.owner : entry.owner.prototype, entry.key).value.apply(entry.owner, args);
      process.stdout.write(JSON.stringify({ kind: entry.kind, arity: entry.fn?.length, result }));`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: dir });
    return JSON.parse(stdout);
  }

  it('records the full-arity calls that reach a curried function, however the tests call it', async () => {
    const calls = await recorded(
      'omit',
      `const { omit } = require('./lib.js'); omit(['a'], { a: 1, b: 2 }); omit(['b'])({ b: 3, c: 4 });`,
    );
    expect(calls).toEqual([
      [['a'], { a: 1, b: 2 }],
      [['b'], { b: 3, c: 4 }],
    ]);
  });

  it('registers the inner function of a curried one, so a recorded call replays in full', async () => {
    expect(await replayed('omit', [['a'], { a: 1, b: 2 }])).toEqual({
      kind: 'function',
      arity: 2,
      result: { b: 2 },
    });
    expect(await replayed('nth', [1, ['x', 'y']])).toEqual({ kind: 'function', arity: 2, result: 'y' });
  });

  it('records while the tests have made an inherited property read-only and deleted the global Buffer (qs)', async () => {
    const pollute =
      "Object.defineProperty(Object.prototype, 'crash', { value: '', enumerable: true, writable: false }); delete globalThis.Buffer;";
    expect(await recorded('parse', `${pollute} require('./lib.js').parse('a,b');`)).toEqual([['a,b']]);
  });

  it('records and replays module.exports.x = function', async () => {
    expect(await recorded('parse', `require('./lib.js').parse('a,b');`)).toEqual([['a,b']]);
    expect(await replayed('parse', ['a,b'])).toMatchObject({ result: ['a', 'b'] });
  });

  it('records and replays methods of module.exports = {…} and of exports.x = {…}, and static members', async () => {
    expect(await recorded('uniq', `require('./obj.js').uniq([1, 1, 2]);`)).toEqual([[[1, 1, 2]]]);
    expect(await replayed('uniq', [[1, 1, 2]])).toMatchObject({ kind: 'method', result: [1, 2] });
    expect(await recorded('api.twice', `require('./lib.js').api.twice(4);`)).toEqual([[4]]);
    expect(await replayed('api.twice', [4])).toMatchObject({ kind: 'method', result: 8 });
    expect(await recorded('Box.make', `require('./lib.js').Box.make(5);`)).toEqual([[5]]);
  });

  it("finds the inner function in a candidate's copy that is longer than the original", async () => {
    const longer = lib.replace(
      '  const out = {};\n',
      '  const drop = new Set(names);\n  const out = {};\n  // a longer body\n',
    );
    const target = targets.get('omit') as Target;
    const result = await instrumentJavaScript({
      fileText: longer,
      target,
      mode: { kind: 'register', role: 'candidate' },
      esm: false,
      recorderSpecifier: './r.cjs',
    });
    expect(result.ok && result.text.split('\n')[target.startLine - 1]).toBe(
      'const omit = curry(((f) => (require("./r.cjs").register("lib.js:omit", "candidate", f), f))(function omit(names, obj) {',
    );
  });

  it('records and replays functions defined inside code that runs at load: an IIFE, a UMD factory', async () => {
    expect(
      await recorded('_.isObject', `const _ = require('./iife.js'); _.isObject(1); _.isObject({});`),
    ).toEqual([[1], [{}]]);
    expect(await replayed('_.isObject', [{ a: 1 }])).toMatchObject({ kind: 'function', result: true });
    expect(await recorded('helper', `require('./iife.js').count([1, 2]);`)).toEqual([[[1, 2]]]);
    expect(await replayed('helper', [[1, 2, 3]])).toMatchObject({ result: 3 });
    expect(await recorded('chooseStyle', `require('./iife.js').umd.chooseStyle('abcd');`)).toEqual([
      ['abcd'],
    ]);
    expect(await replayed('chooseStyle', ['ab'])).toMatchObject({ result: 'short' });
  });

  it('records a function in a file the tests evaluate as a script, without require (qunit-cli --code)', async () => {
    const script = `(function () {
  var _ = {};
  _.isEven = function (n) {
    return n % 2 === 0;
  };
  this._ = _;
}.call(this));
`;
    const target = (await targetsOf(script, 'script.js')).get('_.isEven') as Target;
    await writeFile(join(dir, 'script.js'), await instrument(script, target, { kind: 'record' }));
    const capture = join(dir, 'capture-script');
    await mkdir(capture, { recursive: true });
    const evaluate =
      // `node -e` makes `require` a global; a script a runner evaluates has none.
      "const vm = require('vm'); const text = require('fs').readFileSync('script.js', 'utf8'); delete globalThis.require; vm.runInThisContext(text, { filename: 'script.js' }); _.isEven(4);";
    const env = { AFTERBURNER_CAPTURE_DIR: capture };
    // Without the recorder preloaded (as the harness does while recording), or in a context of its own, the script
    // still runs, unrecorded.
    await run(process.execPath, ['-e', evaluate], { cwd: dir, env });
    const inNewContext =
      "const text = require('fs').readFileSync('script.js', 'utf8'); const context = {}; require('vm').runInNewContext(text, context); if (!context._.isEven(2)) process.exit(3);";
    await run(process.execPath, ['-e', inNewContext], { cwd: dir, env });
    expect(await readdir(capture)).toEqual([]);
    const preload = `--require ${join(dir, '.afterburner-harness', 'recorder.cjs')}`;
    await run(process.execPath, ['-e', evaluate], { cwd: dir, env: { ...env, NODE_OPTIONS: preload } });
    expect((await readdir(capture)).filter((f) => f.endsWith('.calls'))).toEqual([
      'script.js__.isEven.calls',
    ]);
  });

  it('says why a function that reads `this`, or one inside a function that runs later, is not reached', async () => {
    const reason = async (name: string) => {
      const result = await instrumentJavaScript({
        fileText: iife,
        target: targets.get(name) as Target,
        mode: { kind: 'record' },
        esm: false,
        recorderSpecifier: './r.cjs',
      });
      return result.ok ? 'instrumented' : result.reason;
    };
    expect(await reason('_.size')).toBe(
      'it reads `this`, the object it is called on, which afterburner cannot rebuild for a function assigned to `_.size`',
    );
    expect(await reason('_.bin.histogram')).toBe(
      'it is defined inside `_.bin`, so it exists only while that function runs and cannot be loaded on its own',
    );
  });

  it('says plainly why a method of an object a factory returns cannot be reached', async () => {
    const target = targets.get('factory.hidden') as Target;
    const result = await instrumentJavaScript({
      fileText: lib,
      target,
      mode: { kind: 'record' },
      esm: false,
      recorderSpecifier: './r.cjs',
    });
    expect(result).toEqual({
      ok: false,
      reason:
        'it is a member of an object or class without a name (one a function returns, or one passed to a call), so nothing outside can reach it',
    });
  });

  it('says plainly why a wrapped function inside another function cannot be loaded on its own', async () => {
    const text =
      'function outer() {\n  const inner = memo(function () {\n    return 1;\n  });\n  return inner;\n}\n';
    const inner = (await targetsOf(text, 'o.js')).get('outer.inner') as Target;
    expect(inner.wrapper).toBe('memo');
    const result = await instrumentJavaScript({
      fileText: text,
      target: inner,
      mode: { kind: 'register', role: 'original' },
      esm: false,
      recorderSpecifier: './r.cjs',
    });
    expect(result).toEqual({
      ok: false,
      reason:
        'it is defined inside `outer`, so it exists only while that function runs and cannot be loaded on its own',
    });
  });
});

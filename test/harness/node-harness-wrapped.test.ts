import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import { type Evaluation, NodeHarness } from '../../src/harness/index.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { createTempRepo, lines, type TempRepo } from '../detect/git-fixture.js';
import { dockerTestImage } from '../helpers/docker.js';
import { preparedHarnesses } from '../helpers/prepared-harnesses.js';

// Files at the repository root (their recorder specifier needs `./`), no dependencies: node:test, a curried
// helper built on the repository's own small curry, and a CommonJS `module.exports.x = function`.
const base = {
  'package.json': JSON.stringify({ name: 'root-lib', private: true, scripts: { test: 'node --test' } }),
  'curry.js': lines(
    'module.exports = function curry(fn) {',
    '  return function curried(...args) {',
    '    return args.length >= fn.length ? fn(...args) : (...more) => curried(...args, ...more);',
    '  };',
    '};',
  ),
  'test/lib.test.js': lines(
    "const test = require('node:test');",
    "const assert = require('node:assert');",
    "const omit = require('../omit.js');",
    "const { parse } = require('../parse.js');",
    "test('omit, called whole and curried', () => {",
    "  assert.deepStrictEqual(omit(['a'], { a: 1, b: 2 }), { b: 2 });",
    "  assert.deepStrictEqual(omit(['b', 'c'])({ a: 1, b: 2, c: 3 }), { a: 1 });",
    '});',
    "test('parse', () => {",
    "  assert.deepStrictEqual(parse('a, b,,c'), ['a', 'b', 'c']);",
    '});',
  ),
};
const head = {
  'omit.js': lines(
    "const curry = require('./curry.js');",
    'module.exports = curry(function omit(names, obj) {',
    '  const out = {};',
    '  for (const key of Object.keys(obj)) {',
    '    if (names.indexOf(key) === -1) out[key] = obj[key];',
    '  }',
    '  return out;',
    '});',
  ),
  'parse.js': lines(
    'module.exports.parse = function (text) {',
    "  return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);",
    '};',
  ),
};

const omitWithSet = `module.exports = curry(function omit(names, obj) {
  const drop = new Set(names);
  const out = {};
  for (const key of Object.keys(obj)) if (!drop.has(key)) out[key] = obj[key];
  return out;
});`;
// Passes the tests (they never look at the object afterwards) but deletes the dropped keys from the caller's object.
const omitMutating = `module.exports = curry(function omit(names, obj) {
  for (const name of names) delete obj[name];
  return { ...obj };
});`;
const parseInOnePass = `module.exports.parse = function (text) {
  const out = [];
  for (const part of text.split(',')) {
    const s = part.trim();
    if (s) out.push(s);
  }
  return out;
};`;

/**
 * Verified, or correct on every recorded call but not faster (or slower) on them: either way the differential check
 * passed. On two tiny calls a Set costs more than it saves, so "slower on the tests' own inputs" is a fair outcome.
 */
function passedDifferential(evaluation: Evaluation): boolean {
  return (
    evaluation.status === 'verified' ||
    ['not-faster', 'regression', 'asymptotically-worse'].includes(evaluation.stage)
  );
}

describe('NodeHarness on wrapped definitions and CommonJS exports in files at the repository root', () => {
  let repo: TempRepo;
  let sandbox: Sandbox;
  let targets: Target[];

  beforeAll(async () => {
    repo = await createTempRepo();
    const baseSha = await repo.commit(base, 'base');
    await repo.commit(head, 'head');
    targets = (await detectChangedFunctions({ repo: repo.dir, base: baseSha })).targets;
    sandbox = await createSandbox({ mode: 'process', image: dockerTestImage, runId: 'harness-wrapped-test' });
  });
  afterAll(async () => {
    await sandbox?.close();
    await repo?.dispose();
  });

  const harnesses = preparedHarnesses(
    () => ({ sandbox, sourceDir: repo.dir, targets }),
    async (target, workspace) =>
      new NodeHarness({
        workspace,
        target,
        sourceDir: repo.dir,
        fileText: await readFile(join(repo.dir, target.path), 'utf8'),
        testCommand: 'node --test',
        minSpeedup: 0.1,
        rounds: 10,
      }),
  );
  afterAll(() => harnesses.dispose());

  it('finds the curried function and the exports.x function as targets', () => {
    expect(
      targets.map(({ path, name, wrapper, exportName }) => ({ path, name, wrapper, exportName })),
    ).toEqual([
      { path: 'omit.js', name: 'omit', wrapper: 'curry', exportName: 'default' },
      { path: 'parse.js', name: 'parse', wrapper: undefined, exportName: 'parse' },
    ]);
  });

  it('records the full-arity calls that reach the curried function, whole and curried', async () => {
    const { preparation } = await harnesses.prepare('omit');
    expect(preparation).toMatchObject({ ok: true, capturedCalls: 2, tests: { runner: 'node:test' } });
  });

  it('replays them on the inner function: a correct rewrite passes, a wrong one is caught on a recorded call', async () => {
    const { harness } = await harnesses.prepare('omit');
    const good = await harness.evaluate({ source: omitWithSet, imports: [] });
    expect(passedDifferential(good), JSON.stringify(good)).toBe(true);
    const wrong = await harness.evaluate({ source: omitMutating, imports: [] });
    expect(wrong).toMatchObject({ status: 'rejected', stage: 'differential' });
    expect((wrong as Extract<Evaluation, { status: 'rejected' }>).reason).toMatch(
      /argument mutation on captured call 0: input \[ \[ 'a' \], \{ a: 1, b: 2 \} \]/,
    );
  });

  it('records and replays module.exports.x = function', async () => {
    const { harness, preparation } = await harnesses.prepare('parse');
    expect(preparation).toMatchObject({ ok: true, capturedCalls: 1 });
    const evaluation = await harness.evaluate({ source: parseInOnePass, imports: [] });
    expect(passedDifferential(evaluation), JSON.stringify(evaluation)).toBe(true);
  });
});

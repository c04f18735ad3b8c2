import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureSolution } from '../../src/eval/measure-solution.js';
import type { Problem } from '../../src/eval/problems.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox, Workspace } from '../../src/sandbox/types.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';

const python: Problem = {
  id: 'py-pairs',
  language: 'python',
  statement: 'Return the sorted distinct values of nums as a list, and their count.',
  entry: 'distinct',
  tests: [
    { args: [[3, 1, 3]], expected: [[1, 3], 2] },
    { args: [[]], expected: [[], 0] },
    { argsCode: '[[i % 7 for i in range(1000)]]', expected: [[0, 1, 2, 3, 4, 5, 6], 7] },
  ],
  references: [{ code: 'x' }],
};

const javascript: Problem = {
  ...python,
  id: 'js-pairs',
  language: 'javascript',
  tests: [
    { args: [[3, 1, 3]], expected: [[1, 3], 2] },
    { args: [[]], expected: [[], 0] },
    { argsCode: '[Array.from({ length: 1000 }, (_, i) => i % 7)]', expected: [[0, 1, 2, 3, 4, 5, 6], 7] },
  ],
};

const solutions = {
  python: {
    right: 'def distinct(nums):\n    values = sorted(set(nums))\n    return (values, len(values))\n',
    wrong: 'def distinct(nums):\n    return (list(nums), len(nums))\n',
    raises: 'def distinct(nums):\n    return nums[10]\n',
    none: 'def distinct(nums):\n    pass\n',
  },
  javascript: {
    right:
      'function distinct(nums) {\n  const values = [...new Set(nums)].sort((a, b) => a - b);\n  return [values, values.length];\n}\n',
    wrong: 'function distinct(nums) {\n  return [nums, nums.length];\n}\n',
    raises: 'function distinct(nums) {\n  return nums[10].x;\n}\n',
    none: 'function distinct(nums) {}\n',
  },
};

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

describe.each(modes)('a solution checked by its driver program (%s sandbox)', (mode) => {
  let sandbox: Sandbox;
  let empty: string;
  const workspaces: Partial<Record<'python' | 'javascript', Workspace>> = {};

  beforeAll(async () => {
    sandbox = await createSandbox({ mode, image: dockerTestImage, runId: `eval-driver-${mode}` });
    empty = await mkdtemp(join(tmpdir(), 'eval-driver-'));
    for (const language of ['python', 'javascript'] as const)
      workspaces[language] = await sandbox.open({ sourceDir: empty, language });
  });

  afterAll(async () => {
    await sandbox?.close();
    if (empty) await rm(empty, { recursive: true, force: true });
  });

  describe.each([python, javascript])('$language', (problem) => {
    const code = solutions[problem.language];
    const check = (solution: string) =>
      measureSolution(workspaces[problem.language] as Workspace, problem, solution, {
        repeats: 2,
        timeoutMs: 20_000,
      });

    it('passes a right solution, with its CPU time, peak memory and memory × time', async () => {
      const measured = await check(code.right);
      expect(measured, JSON.stringify(measured)).toMatchObject({ passed: true });
      expect(measured.metrics?.cpuMs).toBeGreaterThan(0);
      expect(measured.metrics?.peakMemoryKib).toBeGreaterThan(0);
      expect(measured.metrics?.integralKibMs).toBeGreaterThan(0);
    });

    it('fails a wrong answer on the first test it gets wrong, saying what was expected', async () => {
      const measured = await check(code.wrong);
      expect(measured.passed).toBe(false);
      expect(measured.failure).toMatch(/^test 1: expected \[\[1, ?3\], ?2\], got \[\[3, ?1, ?3\], ?3\]/);
      expect(measured.metrics).toBeUndefined();
    });

    it('fails a solution that throws, or returns nothing, naming the test', async () => {
      expect((await check(code.raises)).failure).toMatch(/^test 1 (raised IndexError|threw TypeError): /);
      expect((await check(code.none)).failure).toMatch(/^test 1: expected .*, got (null|undefined)/);
    });

    it("fails code that does not parse, with the interpreter's message", async () => {
      const measured = await check('def distinct(:\nfunction {');
      expect(measured.passed).toBe(false);
      expect(measured.failure).toMatch(/SyntaxError/);
    });
  });
});

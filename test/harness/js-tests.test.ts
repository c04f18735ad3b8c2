import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAvaTap } from '../../src/harness/js-runners/ava.js';
import { parseJasmine } from '../../src/harness/js-runners/jasmine.js';
import { parseJestLike } from '../../src/harness/js-runners/jest-like.js';
import { mochaOptions } from '../../src/harness/js-runners/mocha.js';
import { expandScripts, planJsTests, summarizeTestRun } from '../../src/harness/js-tests.js';
import { resolveTestCommand } from '../../src/harness/test-command.js';
import type { ExecResult } from '../../src/sandbox/types.js';
import { repoRoot } from '../helpers/cli.js';

const fixture = (name: string) => join(repoRoot, 'fixtures', 'repos', name);

function exec(overrides: Partial<ExecResult>): ExecResult {
  return { outcome: 'ok', exitCode: 0, stdout: '', stderr: '', durationMs: 5, ...overrides } as ExecResult;
}

// What `ava --tap` 6.4 printed for a file with a passing, a skipped and three failing tests.
const avaTap = `TAP version 13
ok 1 - skipped # SKIP
ok 2 - adds
not ok 3 - fails
  ---
    name: AssertionError
    assertion: t.is()
    details:
      'Difference (- actual, + expected):': |-
        - 3
        + 4
    message: sum is wrong
    at: 'ExecutionContext.is (file:///tmp/jr/node_modules/ava/lib/assert.js:309:16)'
  ...
not ok 4 - deep
  ---
    name: AssertionError
    assertion: t.deepEqual()
    details:
      'Difference (- actual, + expected):': |2-
          {
            a: [
              1,
        -     2,
        +     3,
            ],
          }
    message: ''
    at: >-
      ExecutionContext.deepEqual
      (file:///tmp/jr/node_modules/ava/lib/assert.js:339:15)
  ...
not ok 5 - throws
  ---
    name: AssertionError
    details:
      'Error thrown in test:': |-
        Error {
          message: 'boom',
        }
    message: Error thrown in test
    at: 'file:///tmp/jr/test/add.test.mjs:6:29'
  ...

1..5
# tests 5
# pass 1
# skip 1
# fail 3
`;

describe('runner output', () => {
  it('names a jest/vitest file that fails before its tests run, so the gate can leave it out (immer)', () => {
    const results = {
      numPassedTests: 2,
      numFailedTests: 0,
      testResults: [
        {
          name: '/work/__tests__/ok.ts',
          status: 'passed',
          assertionResults: [{ status: 'passed' }, { status: 'passed' }],
        },
        {
          name: '/work/__tests__/redux.ts',
          status: 'failed',
          message: "Cannot find module 'redux'",
          assertionResults: [],
        },
      ],
    };
    const counts = parseJestLike(JSON.stringify(results));
    expect(counts).toEqual({
      passedCount: 2,
      failedCount: 1,
      failures: [
        { name: 'work/__tests__/redux.ts (the file failed to run)', message: "Cannot find module 'redux'" },
      ],
    });
  });

  it("reads AVA's TAP: failing tests by name with their message and diff, skipped tests not counted", () => {
    const counts = parseAvaTap(avaTap);
    expect(counts.passedCount).toBe(1);
    expect(counts.failedCount).toBe(3);
    expect(counts.failures?.map((f) => f.name)).toEqual(['fails', 'deep', 'throws']);
    expect(counts.failures?.[0]?.message).toBe('sum is wrong\nDifference (- actual, + expected):\n- 3\n+ 4');
    expect(counts.failures?.[2]?.message).toMatch(/^Error thrown in test\nError thrown in test:\nError \{/);
  });

  it('reads what the shipped jasmine reporter writes', () => {
    const text = JSON.stringify({
      passed: 1,
      failed: 2,
      failures: [
        { name: 'add fails', message: 'Expected 3 to equal 4.' },
        { name: 'add nested throws', message: 'Error: boom\nline2' },
      ],
    });
    expect(parseJasmine(text)).toEqual({
      passedCount: 1,
      failedCount: 2,
      failures: [
        { name: 'add fails', message: 'Expected 3 to equal 4.' },
        { name: 'add nested throws', message: 'Error: boom\nline2' },
      ],
    });
  });

  it('explains a runner the shell cannot find instead of printing a bare "not found"', () => {
    const plan = { runner: 'mocha' as const, files: ['test/a.test.js'], command: 'mocha test/a.test.js' };
    const run = summarizeTestRun(
      plan,
      exec({ outcome: 'failed', exitCode: 127, stderr: 'sh: 1: mocha: not found' }),
      undefined,
    );
    expect(run.passed).toBe(false);
    expect(run.failures).toEqual([
      {
        name: '`mocha` is not installed',
        message: expect.stringMatching(/not in node_modules\/\.bin of the tree under test: install .*npm ci/),
      },
    ]);
  });
});

describe('planJsTests', () => {
  it('runs jasmine with the project configuration and our reporter, on the spec files that reach the target', async () => {
    const plan = await planJsTests({
      sourceDir: fixture('jasmine-glossary'),
      targetPath: 'src/glossary.js',
      script: 'jasmine --config=jasmine.json',
    });
    expect(plan).toEqual({
      runner: 'jasmine',
      files: ['spec/glossary.spec.js'],
      command:
        "jasmine --config=jasmine.json --reporter='./.afterburner-harness/jasmine-reporter.cjs' 'spec/glossary.spec.js'",
      resultsFile: '.afterburner-harness/test-results.json',
    });
  });

  it('runs ava with TAP output on the test files that reach the target, leaving out its helper files', async () => {
    const plan = await planJsTests({
      sourceDir: fixture('ava-scores'),
      targetPath: 'src/scores.js',
      script: 'ava',
    });
    expect(plan).toEqual({
      runner: 'ava',
      files: ['test/scores.test.js'],
      command: "ava --tap 'test/scores.test.js'",
    });
  });

  it("runs a monorepo package's own runner from that package, with paths relative to it", async () => {
    const sourceDir = fixture('npm-workspaces');
    const targetPath = 'packages/words/src/words.js';
    const script = await resolveTestCommand(sourceDir, undefined, targetPath);
    expect(script).toBe("mocha 'test/*.test.js'");
    const plan = await planJsTests({ sourceDir, targetPath, script: script as string });
    expect(plan).toEqual({
      runner: 'mocha',
      cwd: 'packages/words',
      files: ['test/words.test.js'],
      command:
        "mocha --reporter json --reporter-option 'output=../../.afterburner-harness/test-results.json' 'test/words.test.js'",
      resultsFile: '.afterburner-harness/test-results.json',
    });
    // Reports name the files from the repository root and say where the command ran.
    const run = summarizeTestRun(plan, exec({}), undefined);
    expect(run.files).toEqual(['packages/words/test/words.test.js']);
    expect(run.command).toMatch(/^cd packages\/words && mocha /);
  });

  it("keeps mocha's own options and environment (ramda: `cross-env BABEL_ENV=cjs mocha --require @babel/register`)", () => {
    expect(mochaOptions('cross-env BABEL_ENV=cjs mocha --require @babel/register --reporter spec')).toEqual({
      env: ['BABEL_ENV=cjs'],
      options: ["'--require'", "'@babel/register'"],
    });
    expect(mochaOptions('mocha -r ts-node/register --ui=tdd -R dot --recursive test/ && eslint .')).toEqual({
      env: [],
      options: ["'-r'", "'ts-node/register'", "'--ui=tdd'", "'--recursive'"],
    });
  });

  it('runs a command given by the user from the root, as they would', async () => {
    const plan = await planJsTests({
      sourceDir: fixture('npm-workspaces'),
      targetPath: 'packages/words/src/words.js',
      script: 'npx mocha packages/words/test',
    });
    expect(plan.cwd).toBeUndefined();
    expect(plan.files).toEqual(['packages/words/test/words.test.js']);
  });

  it('counts a root `test.js` as a test file (AVA and many small packages keep their tests there)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'afterburner-root-test-'));
    try {
      await writeFile(join(dir, 'index.js'), 'export default function f() {}\n');
      await writeFile(join(dir, 'test.js'), "import test from 'ava';\nimport f from './index.js';\n");
      const plan = await planJsTests({ sourceDir: dir, targetPath: 'index.js', script: 'xo && ava && tsd' });
      expect(plan).toMatchObject({ runner: 'ava', files: ['test.js'], command: "ava --tap 'test.js'" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds the runner behind `npm run` indirections and keeps its options', async () => {
    const scripts = { 'test:unit': 'jasmine --config=unit.json', build: 'tsc' };
    expect(expandScripts('npm run build && npm run test:unit', scripts)).toBe(
      '(tsc) && (jasmine --config=unit.json)',
    );
    expect(expandScripts('yarn test:unit && pnpm run lint', scripts)).toBe(
      '(jasmine --config=unit.json) && pnpm run lint',
    );
  });

  it('falls back to the whole test script for a runner it cannot read', async () => {
    const plan = await planJsTests({
      sourceDir: fixture('npm-workspaces'),
      targetPath: 'packages/words/src/words.js',
      script: 'tape test/*.js',
    });
    expect(plan).toMatchObject({ runner: 'script', command: 'tape test/*.js' });
  });
});

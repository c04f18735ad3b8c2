import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAvaTap } from '../../src/languages/javascript/harness/js-runners/ava.js';
import { parseJasmine } from '../../src/languages/javascript/harness/js-runners/jasmine.js';
import { parseJestLike } from '../../src/languages/javascript/harness/js-runners/jest-like.js';
import { mochaOptions } from '../../src/languages/javascript/harness/js-runners/mocha.js';
import { parseNodeTap } from '../../src/languages/javascript/harness/js-runners/node-tap.js';
import { parseQunit } from '../../src/languages/javascript/harness/js-runners/qunit.js';
import { parseTape } from '../../src/languages/javascript/harness/js-runners/tape.js';
import { expandScripts } from '../../src/languages/javascript/harness/js-script-expansion.js';
import { planJsTests, summarizeTestRun } from '../../src/languages/javascript/harness/js-tests.js';
import { resolveTestCommand } from '../../src/languages/javascript/harness/test-command.js';
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

// What tap 16.3.10 (`--no-coverage --reporter=tap`) printed for fixtures/repos/tap-versions.
const nodeTapOutput = [
  'TAP version 13',
  '# Subtest: test/versions.js',
  '    # Subtest: uniqueVersions',
  '        # Subtest: keeps first-seen order without repeats',
  '            ok 1 - should be equivalent',
  '            1..1',
  '        ok 1 - keeps first-seen order without repeats # time=13.738ms',
  '        ',
  '        # Subtest: keeps an empty list empty',
  '            ok 1 - should be equivalent',
  '            1..1',
  '        ok 2 - keeps an empty list empty # time=0.978ms',
  '        ',
  '        1..2',
  '    ok 1 - uniqueVersions # time=29.859ms',
  '    ',
  '    # Subtest: uniqueVersions on a long release history',
  '        ok 1 - should be equal',
  '        1..1',
  '    ok 2 - uniqueVersions on a long release history # time=3.534ms',
  '    ',
  '    # Subtest: major',
  '        ok 1 - should be equal',
  '        not ok 2 - strips a leading v',
  '          ---',
  '          found: .nan',
  '          wanted: 2',
  '          compare: ===',
  '          at:',
  '            line: 22',
  '            column: 5',
  '            file: test/versions.js',
  '            type: Test',
  '          stack: |',
  '            Test.<anonymous> (test/versions.js:22:5)',
  '          source: >2',
  '              // A known bug, reported upstream: a leading `v` is not stripped. It fails before any change.',
  "              t.equal(major('v2.0.0'), 2, 'strips a leading v');",
  '            ----^',
  '          ',
  '            });',
  '          ...',
  '        ',
  '        1..2',
  '        # failed 1 of 2 tests',
  '    not ok 3 - major # time=24.242ms',
  '    ',
  '    1..3',
  '    # failed 1 of 3 tests',
  '    # time=63.298ms',
  'not ok 1 - test/versions.js # time=63.298ms',
  '  ---',
  '  env: {}',
  '  file: test/versions.js',
  '  timeout: 30000',
  '  command: /usr/bin/node',
  '  args:',
  '    - test/versions.js',
  '  stdio:',
  '    - 0',
  '    - pipe',
  '    - 2',
  '  cwd: /work/tap-versions',
  '  exitCode: 1',
  '  ...',
  '',
  '1..1',
  '# failed 1 test',
  '# time=444.138ms',
  '',
].join('\n');

// What qunit 2.24.1 (`--reporter tap`) printed for fixtures/repos/qunit-sizes.
const qunitTapOutput = [
  'TAP version 13',
  'ok 1 sizes > distinctSizes keeps first-seen order',
  'ok 2 sizes > distinctSizes of many shipments',
  'ok 3 sizes > totalSize',
  'not ok 4 sizes > totalSize of the page',
  '  ---',
  '  message: |+',
  '    Died on test #1: window is not defined',
  '        at Object.<anonymous> (/work/qunit-sizes/test/sizes.js:16:9)',
  '  severity: failed',
  '  stack: |',
  '    ReferenceError: window is not defined',
  '        at Object.<anonymous> (/work/qunit-sizes/test/sizes.js:17:29)',
  '  ...',
  '1..4',
  '# pass 3',
  '# skip 0',
  '# todo 0',
  '# fail 1',
  '',
].join('\n');

// What qunit-cli 0.2.0 printed (underscore 1.8.3's suite runs with it): a module heading, marks, colours.
const qunitCliOutput = [
  '',
  '\u001b[34m\u001b[1mArrays\u001b[22m\u001b[39m',
  '\u001b[32m  ✔ first\u001b[39m',
  '\u001b[32m  ✔ head\u001b[39m',
  '',
  '\u001b[34m\u001b[1mObjects\u001b[22m\u001b[39m',
  '\u001b[31m  ✖ #1929 Typed Array constructors are functions\u001b[39m',
  '    \u001b[31mDied on test #1     at test/objects.js:796:11',
  '    at Object.<anonymous> (test/objects.js:1149:2): window is not defined\u001b[39m',
  '\u001b[31m    null != undefined\u001b[39m',
  '\u001b[32m  ✔ first\u001b[39m',
  '\u001b[90m',
  'Tests completed in 4631 milliseconds.\u001b[39m',
  '\u001b[1m\u001b[31m1557 tests of 1558 passed, 1 failed.\u001b[39m\u001b[22m',
].join('\n');

// What tape 5 printed for a test with a repeated assertion message, a nested test and a skipped one.
const tapeOutput = [
  'TAP version 13',
  '# merge()',
  'ok 1 merges objects',
  'ok 2 should be strictly equal',
  'not ok 3 should be strictly equal',
  '  ---',
  '    operator: equal',
  '    expected: 3',
  '    actual:   2',
  '    at: Test.<anonymous> (/work/tape-try/t.js:5:5)',
  '    stack: |-',
  '      Error: should be strictly equal',
  '          at Test.assert [as _assert] (/work/tape-try/node_modules/tape/lib/test.js:548:48)',
  '          at Test.strictEqual (/work/tape-try/node_modules/tape/lib/test.js:734:7)',
  '          at Test.<anonymous> (/work/tape-try/t.js:5:5)',
  '          at Test.run (/work/tape-try/node_modules/tape/lib/test.js:151:28)',
  '          at Immediate.next [as _onImmediate] (/work/tape-try/node_modules/tape/lib/results.js:175:7)',
  '          at process.processImmediate (node:internal/timers:483:21)',
  '  ...',
  '# nested arrays',
  'ok 4 should be strictly equal',
  '# SKIP skipped one',
  '# compact',
  'ok 5 keeps values',
  '',
  '1..5',
  '# tests 5',
  '# pass  4',
  '# fail  1',
  '',
  '',
].join('\n');

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

  it("reads node-tap's nested TAP: leaves only, named by the subtests around them, timings dropped", () => {
    expect(parseNodeTap(nodeTapOutput)).toEqual({
      passedCount: 4,
      failedCount: 1,
      failures: [
        {
          name: 'test/versions.js > major > strips a leading v',
          message: 'found: NaN\nwanted: 2\ncompare: ===',
        },
      ],
    });
  });

  it('names a node-tap test file that dies before its subtests as the failing test', () => {
    const died =
      'TAP version 13\nnot ok 1 - test/versions.js # time=12ms\n  ---\n  exitCode: 1\n  ...\n1..1\n';
    expect(parseNodeTap(died)).toMatchObject({ passedCount: 0, failures: [{ name: 'test/versions.js' }] });
  });

  it("reads QUnit's TAP and qunit-cli's marks, module by module", () => {
    expect(parseQunit(qunitTapOutput)).toMatchObject({
      passedCount: 3,
      failedCount: 1,
      failures: [
        {
          name: 'sizes > totalSize of the page',
          message: expect.stringMatching(/^Died on test #1: window is not defined\n/),
        },
      ],
    });
    expect(parseQunit(qunitCliOutput)).toEqual({
      passedCount: 3,
      failedCount: 1,
      failures: [
        {
          name: 'Objects > #1929 Typed Array constructors are functions',
          message:
            'Died on test #1     at test/objects.js:796:11\nat Object.<anonymous> (test/objects.js:1149:2): window is not defined\nnull != undefined',
        },
      ],
    });
  });

  it("reads tape's TAP: assertions named by their test, a repeated message numbered, the totals not counted", () => {
    expect(parseTape(tapeOutput)).toEqual({
      passedCount: 4,
      failedCount: 1,
      failures: [
        {
          name: 'merge() > should be strictly equal (2)',
          message: 'operator: equal\nexpected: 3\nactual: 2',
        },
      ],
    });
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

  it('runs node-tap without its coverage check, which fails on any subset of the suite', async () => {
    const plan = await planJsTests({
      sourceDir: fixture('tap-versions'),
      targetPath: 'src/versions.js',
      script: 'tap',
    });
    expect(plan).toEqual({
      runner: 'tap',
      files: ['test/versions.js'],
      command: "tap --no-coverage --reporter=tap 'test/versions.js'",
    });
  });

  it("runs QUnit with TAP output on the tests that reach a root file through require('..')", async () => {
    const plan = await planJsTests({
      sourceDir: fixture('qunit-sizes'),
      targetPath: 'sizes.js',
      script: 'qunit test/',
    });
    expect(plan).toEqual({
      runner: 'qunit',
      files: ['test/sizes.js'],
      command: "qunit --reporter tap 'test/sizes.js'",
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
      // The package itself, `import m from './'`, is its index.js when the manifest names no main (camelcase).
      await writeFile(join(dir, 'test.js'), "import test from 'ava';\nimport m from './';\n");
      const viaPackage = await planJsTests({ sourceDir: dir, targetPath: 'index.js', script: 'xo && ava' });
      expect(viaPackage.files).toEqual(['test.js']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds the runner behind `npm run` indirections and keeps its options', async () => {
    const scripts = { 'test:unit': 'jasmine --config=unit.json', build: 'tsc' };
    expect(expandScripts('npm run build && npm run test:unit', { scripts })).toBe(
      '(tsc) && (jasmine --config=unit.json)',
    );
    expect(expandScripts('yarn test:unit && pnpm run lint', { scripts })).toBe(
      '(jasmine --config=unit.json) && pnpm run lint',
    );
  });

  it('runs the runner behind npm-run-all and make without the lint they run first (immutable-js, js-yaml)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'afterburner-indirect-'));
    try {
      await mkdir(join(dir, 'src'));
      await mkdir(join(dir, '__tests__'));
      await writeFile(join(dir, 'src', 'some.js'), 'export function some(xs) { return xs.some(Boolean); }\n');
      await writeFile(join(dir, '__tests__', 'some.test.js'), "import { some } from '../src/some.js';\n");
      const scripts = {
        test: 'run-s format lint:* build unit-test',
        'lint:js': 'eslint .',
        'lint:types': 'tsc --noEmit',
        'unit-test': 'jest --maxWorkers=2',
      };
      expect(expandScripts(scripts.test, { scripts })).toBe(
        '(eslint .) && (tsc --noEmit) && (jest --maxWorkers=2)',
      );
      await writeFile(join(dir, 'package.json'), JSON.stringify({ scripts }));
      const viaRunAll = await planJsTests({
        sourceDir: dir,
        targetPath: 'src/some.js',
        script: scripts.test,
      });
      expect(viaRunAll).toMatchObject({ runner: 'jest', files: ['__tests__/some.test.js'] });
      // A suite that leaves a handle open must not hold the run until its time limit (radash).
      expect(viaRunAll.command).toMatch(/^jest --ci --forceExit --json /);
      expect(viaRunAll.command).not.toMatch(/eslint|tsc|\)/);

      await writeFile(
        join(dir, 'Makefile'),
        'lint:\n\t./node_modules/.bin/eslint .\n\ntest: lint\n\t@node -e "require(\'./package.json\')"\n\t./node_modules/.bin/mocha -R spec\n',
      );
      const viaMake = await planJsTests({ sourceDir: dir, targetPath: 'src/some.js', script: 'make test' });
      expect(viaMake.runner).toBe('mocha');
      expect(viaMake.command).toMatch(/^mocha .*__tests__\/some.test.js/);
      expect(viaMake.command).not.toMatch(/eslint|\)/);
      // A target the Makefile does not have stays as it is: the whole script runs.
      const unknown = await planJsTests({ sourceDir: dir, targetPath: 'src/some.js', script: 'make check' });
      expect(unknown).toMatchObject({ runner: 'script', command: 'make check' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs tape on the tests that reach the target, without the coverage wrapper, keeping its -r modules (qs: `nyc tape 'test/**/*.js'`)", async () => {
    const plan = await planJsTests({
      sourceDir: fixture('npm-workspaces'),
      targetPath: 'packages/words/src/words.js',
      script: "nyc tape -r ./test/setup.js 'test/**/*.js'",
    });
    expect(plan).toMatchObject({
      runner: 'tape',
      command: expect.stringMatching(/^tape -r \.\/test\/setup\.js '/),
    });
  });

  it('falls back to the whole test script for a runner it cannot read', async () => {
    const plan = await planJsTests({
      sourceDir: fixture('npm-workspaces'),
      targetPath: 'packages/words/src/words.js',
      script: 'zora test/*.js',
    });
    expect(plan).toMatchObject({ runner: 'script', command: 'zora test/*.js' });
  });
});

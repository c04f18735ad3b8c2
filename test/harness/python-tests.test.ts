import { describe, expect, it } from 'vitest';
import {
  importedModules,
  isPythonTestFile,
  moduleOf,
  narrowPythonPlan,
  type PythonTestPlan,
  parseJunitXml,
  summarizePythonTestRun,
} from '../../src/languages/python/harness/python-tests.js';
import type { ExecResult } from '../../src/sandbox/types.js';

const files = new Set([
  'src/shop/__init__.py',
  'src/shop/cart/__init__.py',
  'src/shop/cart/prices.py',
  'tool.py',
]);

describe('moduleOf', () => {
  it('names a module by the packages around it and finds the directory to put on sys.path', () => {
    expect(moduleOf('src/shop/cart/prices.py', files)).toEqual({
      path: 'src/shop/cart/prices.py',
      name: 'shop.cart.prices',
      importRoot: 'src',
      package: 'shop.cart',
    });
    expect(moduleOf('src/shop/cart/__init__.py', files)).toMatchObject({
      name: 'shop.cart',
      package: 'shop.cart',
    });
    expect(moduleOf('tool.py', files)).toMatchObject({ name: 'tool', importRoot: '', package: '' });
  });
});

describe('importedModules', () => {
  const prices = moduleOf('src/shop/cart/prices.py', files);

  it('resolves absolute, parenthesized and relative imports, with their parent packages', () => {
    const text = [
      'import os, shop.cart as cart',
      'from shop.cart import (',
      '    prices,  # the submodule',
      '    total as t,',
      ')',
      'from . import helpers',
      'from ..util import slug',
      '',
      'def f():',
      '    from .taxes import rate',
    ].join('\n');
    expect(importedModules(text, prices).sort()).toEqual(
      [
        'os',
        'shop',
        'shop.cart',
        'shop.cart.prices',
        'shop.cart.total',
        'shop.cart.helpers',
        'shop.util',
        'shop.util.slug',
        'shop.cart.taxes',
        'shop.cart.taxes.rate',
      ].sort(),
    );
  });
});

describe('isPythonTestFile', () => {
  it('takes test_*.py, *_test.py and files under tests/, not conftest.py or __init__.py', () => {
    expect(
      ['tests/test_a.py', 'pkg/a_test.py', 'tests/helpers.py', 'test_x.py'].every(isPythonTestFile),
    ).toBe(true);
    expect(['tests/conftest.py', 'tests/__init__.py', 'src/testing.py'].some(isPythonTestFile)).toBe(false);
  });
});

describe('parseJunitXml', () => {
  it("counts passed tests and keeps each failure's name and assertion lines", () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="1" skipped="1" tests="3">
<testcase classname="tests.test_cart" name="test_total" time="0.001" />
<testcase classname="tests.test_cart" name="test_skip" time="0.000"><skipped type="pytest.skip" message="later">later</skipped></testcase>
<testcase classname="tests.test_cart" name="test_prices[a&amp;b]" time="0.002"><failure message="assert [1, 2] == [2, 1]&#10;  At index 0 diff: 1 != 2">def test_prices():
&gt;       assert prices() == [2, 1]
E       assert [1, 2] == [2, 1]
E         At index 0 diff: 1 != 2

tests/test_cart.py:9: AssertionError</failure></testcase>
</testsuite></testsuites>`;
    expect(parseJunitXml(xml)).toEqual({
      passedCount: 1,
      failedCount: 1,
      failures: [
        {
          name: 'tests.test_cart::test_prices[a&b]',
          message: 'assert [1, 2] == [2, 1]\nAt index 0 diff: 1 != 2',
        },
      ],
    });
  });

  it('keeps the bare outcome when the results file is not JUnit XML', () => {
    const run: ExecResult = {
      outcome: 'failed',
      exitCode: 4,
      stdout: '',
      stderr: 'usage error',
      durationMs: 5,
      truncated: false,
    };
    const plan = {
      runner: 'pytest' as const,
      files: [],
      command: 'python3 -m pytest',
      module: moduleOf('tool.py', files),
      importRoots: [''],
    };
    expect(summarizePythonTestRun(plan, run, 'not xml')).toMatchObject({
      passed: false,
      outputTail: 'usage error',
    });
    expect(summarizePythonTestRun(plan, run, 'not xml').passedCount).toBeUndefined();
  });
});

describe('narrowPythonPlan', () => {
  const plan: PythonTestPlan = {
    runner: 'pytest',
    files: ['tests/test_a.py', 'tests/test_b.py', 'tests/test_c.py', 'tests/test_d.py'],
    command: 'python3 -m pytest ...',
    resultsFile: '.afterburner-harness/junit.xml',
    module: { path: 'src/pkg/m.py', name: 'pkg.m', importRoot: 'src', package: 'pkg' },
    importRoots: ['src', ''],
  };

  it('runs the tests seen calling the target and the files that import its module directly', () => {
    const narrowed = narrowPythonPlan(
      plan,
      [
        'tests/test_a.py::test_one',
        'tests/test_a.py::TestX::test_two[3-4]',
        'tests/test_c.py::test_odd[a b]',
      ],
      ['tests/test_b.py'],
      'python3',
    );
    expect(narrowed?.files).toEqual(['tests/test_a.py', 'tests/test_b.py', 'tests/test_c.py']);
    // An id pytest could not take back as it is (a space in its parameters) runs as its whole file.
    expect(narrowed?.command).toMatch(
      /'tests\/test_b\.py' 'tests\/test_c\.py' 'tests\/test_a\.py::TestX::test_two\[3-4\]' 'tests\/test_a\.py::test_one'$/,
    );
    expect(narrowed?.command).toContain('-p afterburner_pytest');
  });

  it('keeps the plan when nothing was attributed, or when every file would run anyway', () => {
    expect(narrowPythonPlan(plan, [], ['tests/test_b.py'], 'python3')).toBeUndefined();
    expect(narrowPythonPlan(plan, ['elsewhere.py::test_x'], [], 'python3')).toBeUndefined();
    expect(narrowPythonPlan(plan, ['tests/test_a.py::t'], plan.files, 'python3')).toBeUndefined();
  });

  it('maps unittest ids to their files', () => {
    const unittestPlan = { ...plan, runner: 'unittest' as const };
    const narrowed = narrowPythonPlan(unittestPlan, ['tests.test_d.TestD.test_sum'], [], 'python3');
    expect(narrowed?.files).toEqual(['tests/test_d.py']);
    expect(narrowed?.command).toMatch(/run_unittest\.py \S+ 'tests\.test_d\.TestD\.test_sum'$/);
  });
});

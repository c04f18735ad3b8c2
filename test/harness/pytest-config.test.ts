import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findPytestConfig,
  iniSection,
  pytestFileFilter,
} from '../../src/languages/python/harness/pytest-config.js';
import { planPythonTests } from '../../src/languages/python/harness/python-tests.js';

let root: string | undefined;

async function project(files: Record<string, string>): Promise<string> {
  root = await mkdtemp(join(tmpdir(), 'afterburner-pytest-config-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

const pkg = {
  'src/shop/__init__.py': 'from .prices import total\n',
  'src/shop/prices.py': 'def total(xs):\n    return sum(xs)\n',
};

describe('pytest configuration', () => {
  it('reads [pytest] of an ini file with values continued on indented lines', () => {
    const text =
      '[metadata]\nname = x\n[pytest]\ntestpaths =\n    tests\n    more\npython_files = check_*.py\n';
    expect(iniSection(text, 'pytest')).toEqual({ testpaths: '\ntests\nmore', python_files: 'check_*.py' });
    expect(iniSection(text, 'tool:pytest')).toBeUndefined();
  });

  it("takes pyproject's [tool.pytest.ini_options], paths relative to the file", async () => {
    const dir = await project({
      ...pkg,
      'pyproject.toml':
        '[tool.pytest.ini_options]\ntestpaths = ["checks"]\npython_files = "check_*.py *_spec.py"\n',
    });
    expect(await findPytestConfig(dir, 'src/shop/prices.py')).toEqual({
      file: 'pyproject.toml',
      testpaths: ['checks'],
      pythonFiles: ['check_*.py', '*_spec.py'],
    });
  });

  it('prefers pytest.ini, then pyproject, tox.ini and setup.cfg, nearest directory first', async () => {
    const dir = await project({
      ...pkg,
      'setup.cfg': '[tool:pytest]\npython_files = cfg_*.py\n',
      'tox.ini': '[tox]\nenvlist = py3\n',
      'src/pytest.ini': '[pytest]\npython_files = ini_*.py\n',
    });
    expect((await findPytestConfig(dir, 'src/shop/prices.py'))?.file).toBe('src/pytest.ini');
    await rm(join(dir, 'src/pytest.ini'));
    // tox.ini has no [pytest] section, so setup.cfg's [tool:pytest] is the configuration.
    expect(await findPytestConfig(dir, 'src/shop/prices.py')).toMatchObject({
      file: 'setup.cfg',
      pythonFiles: ['cfg_*.py'],
    });
  });

  it('keeps files under testpaths named like python_files, never conftest.py', () => {
    const isTest = pytestFileFilter({
      file: 'pytest.ini',
      testpaths: ['checks'],
      pythonFiles: ['check_*.py'],
    });
    expect(isTest('checks/check_tags.py')).toBe(true);
    expect(isTest('checks/deep/check_more.py')).toBe(true);
    expect(isTest('checks/helpers.py')).toBe(false);
    expect(isTest('checks/conftest.py')).toBe(false);
    expect(isTest('scripts/check_live.py')).toBe(false);
    expect(isTest('tests/test_old.py')).toBe(false);
  });

  it('plans the test files the configuration names, not the default test_*.py elsewhere', async () => {
    const dir = await project({
      ...pkg,
      'pyproject.toml': '[tool.pytest.ini_options]\ntestpaths = ["checks"]\npython_files = ["check_*.py"]\n',
      'checks/check_prices.py': 'from shop import total\n',
      'scripts/test_live.py': 'from shop import total\n',
    });
    const plan = await planPythonTests({
      sourceDir: dir,
      targetPath: 'src/shop/prices.py',
      runner: 'pytest',
      python: 'python3',
    });
    expect(plan.files).toEqual(['checks/check_prices.py']);
  });
});

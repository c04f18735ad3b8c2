import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callerNames, mentionsName } from '../../src/languages/python/harness/python-name-reach.js';
import { planPythonTests } from '../../src/languages/python/harness/python-tests.js';

const source = `
def _tree_edges(n, r):
    yield 0, 1


def full_rary_tree(r, n):
    return from_edges(_tree_edges(n, r))


balanced = functools.partial(full_rary_tree, 2)


class Builder:
    def __init__(self, r):
        self.edges = list(_tree_edges(8, r))

    def size(self):
        return 8


def unrelated(x):
    # _tree_edges is only named in this comment
    return x
`;

describe('callerNames', () => {
  it('follows callers by name: functions, module-level aliases and the classes whose methods call it', () => {
    const names = callerNames([source], '_tree_edges');
    expect([...(names ?? [])].sort()).toEqual([
      'Builder',
      '__init__',
      '_tree_edges',
      'balanced',
      'full_rary_tree',
    ]);
    expect(mentionsName('def test_x():\n    assert balanced(3)\n', names ?? new Set())).toBe(true);
    expect(mentionsName('def test_y():\n    assert unrelated(3)\n', names ?? new Set())).toBe(false);
  });

  it('gives up when nearly everything reaches the target', () => {
    const chain = Array.from({ length: 50 }, (_, i) => `def f${i + 1}():\n    return f${i}()\n`).join('\n');
    expect(callerNames([chain], 'f0', 10)).toBeUndefined();
    expect(callerNames([chain], 'f0')?.size).toBe(51);
  });
});

describe('planPythonTests on a large suite reached through __init__', () => {
  it('records only the test files that mention the target or a caller of it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'afterburner-name-reach-'));
    try {
      const files: Record<string, string> = {
        'pkg/__init__.py': 'from .trees import *\nfrom .other import *\n',
        'pkg/trees.py': source,
        'pkg/other.py': 'def helper(x):\n    return x\n',
        'pkg/tests/test_trees.py': 'import pkg\n\ndef test_rary():\n    assert pkg.full_rary_tree(2, 3)\n',
        'pkg/tests/test_builder.py': 'from pkg import Builder\n\ndef test_builder():\n    Builder(2)\n',
      };
      for (let i = 0; i < 25; i++)
        files[`pkg/tests/test_other_${i}.py`] = 'import pkg\n\ndef test_x():\n    pkg.helper(1)\n';
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), text);
      }
      const plan = await planPythonTests({
        sourceDir: root,
        targetPath: 'pkg/trees.py',
        targetName: '_tree_edges',
        runner: 'pytest',
        python: 'python3',
      });
      expect(plan.files).toEqual(['pkg/tests/test_builder.py', 'pkg/tests/test_trees.py']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

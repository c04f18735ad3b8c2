import { describe, expect, it } from 'vitest';
import { callerNames, mentionsName } from '../../src/harness/python-name-reach.js';

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

import type { Node } from 'web-tree-sitter';
import type { Rule } from '../../../providers/rules/rule.js';
import { descendants, namedChildren } from '../../../providers/rules/syntax.js';
import { membershipOperator } from './syntax.js';

const copies = new Set(['list', 'tuple', 'set', 'frozenset', 'sorted']);

export const keysMembership: Rule = {
  id: 'keys-membership',
  family: 'python',
  title: '`k in list(d.keys())` / `k in d.keys()` → `k in d`',
  description:
    '`k in list(d.keys())` (also `tuple`, `set`, `sorted`) copies every key and scans the copy: O(n) per ' +
    'test, O(n·m) in a loop. `k in d` asks the mapping directly: O(1). `k in d.keys()` is already O(1) but ' +
    'builds a keys view per test; `k in d` skips it. Only `.keys()` with no arguments is rewritten, so `d` ' +
    'is a mapping (strings and lists have no `keys`), whose `keys()` view answers `in` through the mapping ' +
    'itself (not applied to `self.keys()`). An unhashable `k` raises `TypeError` with a dict where the copied ' +
    'list said `False`, and an object with `keys()` that is no Mapping may answer `in` differently.',
  before: 'if name in list(registry.keys()):',
  after: 'if name in registry:',
  complexity: { before: 'O(n)', after: 'O(1)' },
  apply(snippet) {
    for (const test of descendants(snippet.fn, new Set(['comparison_operator']))) {
      if (!membershipOperator(test)) continue;
      const container = namedChildren(test)[1];
      const mapping = container ? mappingOf(container) : null;
      if (container && mapping)
        return [{ start: snippet.start(container), end: snippet.end(container), text: mapping }];
    }
    return null;
  },
};

/** `d.keys()` or `list(d.keys())` → the text of `d`, parenthesized unless it is a plain name or attribute. */
function mappingOf(container: Node): string | null {
  let keysCall = container;
  if (container.type === 'call' && copies.has(container.childForFieldName('function')?.text ?? '')) {
    const args = container.childForFieldName('arguments');
    const inner = args?.type === 'argument_list' ? namedChildren(args) : [];
    if (inner.length !== 1 || !inner[0]) return null;
    keysCall = inner[0];
  }
  const callee = keysCall.type === 'call' ? keysCall.childForFieldName('function') : null;
  const args = keysCall.childForFieldName('arguments');
  if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'keys') return null;
  if (args?.type !== 'argument_list' || namedChildren(args).length > 0) return null;
  const mapping = callee.childForFieldName('object');
  // A class's own `keys()` says nothing about how `in self` behaves.
  if (!mapping || mapping.text === 'self') return null;
  const simple = ['identifier', 'attribute', 'subscript', 'call', 'parenthesized_expression'];
  return simple.includes(mapping.type) ? mapping.text : `(${mapping.text})`;
}

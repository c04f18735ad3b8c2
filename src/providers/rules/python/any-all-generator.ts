import type { Node } from 'web-tree-sitter';
import type { Rule } from '../rule.js';
import { descendants, namedChildren } from '../syntax.js';
import { pythonOccurrences } from './syntax.js';

const sideEffectTypes = new Set(['call', 'named_expression', 'await', 'yield', 'lambda']);

export const anyAllGenerator: Rule = {
  id: 'any-all-generator',
  family: 'python',
  title: '`any([… for …])` → `any(… for …)`',
  description:
    '`any([pred for x in xs])` (and `all`) first builds the whole list of n results, then scans it: O(n) time ' +
    'and memory on every call. A generator lets `any`/`all` stop at the first decisive element: O(k), ' +
    'k = its position, and no list. Applies only when the comprehension calls nothing and uses no `:=`, ' +
    'so the skipped elements cannot hold a side effect (properties with side effects, or an element that ' +
    'would raise, are the remaining differences; the harness checks the real inputs).',
  before: 'return any([u.admin for u in users])',
  after: 'return any(u.admin for u in users)',
  complexity: { before: 'O(n)', after: 'O(k), k = position of the first decisive element' },
  apply(snippet) {
    const { fn } = snippet;
    for (const name of ['any', 'all']) {
      if (pythonOccurrences(fn, name).some(({ use }) => use === 'declaration' || use === 'parameter'))
        return null;
    }
    for (const call of descendants(fn, new Set(['call']))) {
      const comprehension = soleComprehension(call);
      if (!comprehension) continue;
      const inner = comprehension.text.slice(1, -1);
      const args = call.childForFieldName('arguments') as Node;
      return [{ start: snippet.start(args), end: snippet.end(args), text: `(${inner})` }];
    }
    return null;
  },
};

function soleComprehension(call: Node): Node | null {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'identifier' || (callee.text !== 'any' && callee.text !== 'all')) return null;
  const args = call.childForFieldName('arguments');
  const inner = args?.type === 'argument_list' ? namedChildren(args) : [];
  const comprehension = inner.length === 1 ? inner[0] : undefined;
  if (
    comprehension?.type !== 'list_comprehension' ||
    comprehension.namedChildren.some((c) => c?.type === 'comment')
  )
    return null;
  // The first iterable is evaluated eagerly either way; everything else runs per element.
  const first = namedChildren(comprehension).find((part) => part.type === 'for_in_clause');
  const firstIterable = first?.childForFieldName('right');
  const perElement = descendants(comprehension).filter(
    (node) =>
      !(
        firstIterable &&
        firstIterable.startIndex <= node.startIndex &&
        node.endIndex <= firstIterable.endIndex
      ),
  );
  return perElement.some((node) => sideEffectTypes.has(node.type)) ? null : comprehension;
}

import type { Node } from 'web-tree-sitter';
import type { Rule } from '../rule.js';
import { descendants, namedChildren } from '../syntax.js';
import { pythonOccurrences } from './syntax.js';

export const sortedFirstMin: Rule = {
  id: 'sorted-first-min',
  family: 'python',
  title: '`sorted(x)[0]` → `min(x)`',
  description:
    '`sorted(x)[0]` sorts the whole input to read one element: O(n log n) time and an O(n) list. `min(x)` ' +
    'finds the same element in one O(n) pass; `sorted(x, reverse=True)[0]` becomes `max(x)`, and a `key=` ' +
    'is kept. Both return the first of several equal candidates (the sort is stable, also reversed), so ties ' +
    'resolve alike. Not applied to `[-1]` (`max` would pick the first of equal maxima, the sort the last). ' +
    'An empty input raises `ValueError` instead of `IndexError`, and inputs with NaN or only partially ' +
    'ordered values (sets) may pick differently; the harness compares results and errors on the real inputs.',
  before: 'cheapest = sorted(offers, key=price)[0]',
  after: 'cheapest = min(offers, key=price)',
  complexity: { before: 'O(n log n)', after: 'O(n)' },
  apply(snippet) {
    const { fn } = snippet;
    for (const name of ['sorted', 'min', 'max']) {
      if (pythonOccurrences(fn, name).some(({ use }) => use === 'declaration' || use === 'parameter'))
        return null;
    }
    for (const subscript of descendants(fn, new Set(['subscript']))) {
      const text = rewriteFirst(subscript);
      if (text) return [{ start: snippet.start(subscript), end: snippet.end(subscript), text }];
    }
    return null;
  },
};

function rewriteFirst(subscript: Node): string | null {
  if (subscript.childForFieldName('subscript')?.text !== '0') return null;
  if (namedChildren(subscript).length !== 2) return null;
  const call = subscript.childForFieldName('value');
  const args = call?.type === 'call' ? call.childForFieldName('arguments') : null;
  if (call?.childForFieldName('function')?.text !== 'sorted' || args?.type !== 'argument_list') return null;
  const [iterable, ...keywords] = namedChildren(args);
  if (!iterable || iterable.type === 'keyword_argument' || iterable.type.endsWith('splat')) return null;
  let reverse = false;
  const kept = [iterable.text];
  for (const keyword of keywords) {
    const name = keyword.type === 'keyword_argument' ? keyword.childForFieldName('name')?.text : undefined;
    const value = keyword.childForFieldName('value')?.text;
    if (name === 'key' && value) kept.push(`key=${value}`);
    else if (name === 'reverse' && (value === 'True' || value === 'False')) reverse = value === 'True';
    else return null;
  }
  return `${reverse ? 'max' : 'min'}(${kept.join(', ')})`;
}

import type { Node } from 'web-tree-sitter';
import type { Rule } from '../../../providers/rules/rule.js';
import { descendants, namedChildren } from '../../../providers/rules/syntax.js';
import { pythonOccurrences } from './syntax.js';

const literalTypes = new Set(['integer', 'float', 'true', 'false', 'none']);

export const anyAllGenerator: Rule = {
  id: 'any-all-generator',
  family: 'python',
  title: '`any([… for …])` → `any(… for …)`',
  description:
    '`any([pred for x in xs])` (and `all`) first builds the whole list of n results, then scans it: O(n) time ' +
    'and memory on every call. A generator lets `any`/`all` stop at the first decisive element: O(k), ' +
    'k = its position, and no list. Applies only when the elements after the decisive one cannot be ' +
    'observed: one `for` over a plain name, and an element and `if` conditions built from names, literals, ' +
    '`is`/`is not`, `==`/`!=` against a literal, `not`, `and`, `or`, none of which raises on built-in ' +
    'values (no calls, attributes, subscripts, `<` or arithmetic: a later element could raise there).',
  before: 'return any([role == "admin" for role in roles])',
  after: 'return any(role == "admin" for role in roles)',
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
  // The first iterable is evaluated once either way; everything else runs per element.
  const parts = namedChildren(comprehension);
  const loops = parts.filter((part) => part.type === 'for_in_clause');
  if (loops.length !== 1 || loops[0]?.childForFieldName('left')?.type !== 'identifier') return null;
  const perElement = parts.flatMap((part) =>
    part.type === 'for_in_clause' ? [] : part.type === 'if_clause' ? namedChildren(part) : [part],
  );
  return perElement.every(cannotRaise) ? comprehension : null;
}

/** Evaluating it cannot raise or run code on built-in values: names, literals, identity and equality tests. */
function cannotRaise(node: Node): boolean {
  switch (node.type) {
    case 'identifier':
      return true;
    case 'string':
      return !namedChildren(node).some((part) => part.type === 'interpolation');
    case 'parenthesized_expression':
    case 'not_operator':
    case 'boolean_operator':
      return namedChildren(node).every(cannotRaise);
    case 'unary_operator':
      return node.child(0)?.type === '-' && ['integer', 'float'].includes(namedChildren(node)[0]?.type ?? '');
    case 'comparison_operator':
      return isInertComparison(node);
    default:
      return literalTypes.has(node.type);
  }
}

function isInertComparison(node: Node): boolean {
  const operands = namedChildren(node);
  const operators = node.children
    .filter((child) => child !== null && !child.isNamed)
    .map((child) => child?.type);
  if (!operands.every(cannotRaise)) return false;
  if (operators.every((operator) => operator === 'is' || operator === 'not' || operator === 'is not'))
    return true;
  // `==` never raises between built-in values; with a literal on one side it is a plain equality test.
  return (
    operands.length === 2 &&
    (operators[0] === '==' || operators[0] === '!=') &&
    operands.some((operand) => operand.type !== 'identifier')
  );
}

import type { Node } from 'web-tree-sitter';
import type { Rule } from '../../../providers/rules/rule.js';
import { asMemberCall, descendants, isField, namedChildren } from '../../../providers/rules/syntax.js';

// `.filter(cb).length <op> <literal>` with whitespace removed: does it mean "some element matches"?
const someWhenLeft = new Map([
  ['>0', true],
  ['!==0', true],
  ['!=0', true],
  ['>=1', true],
  ['===0', false],
  ['==0', false],
  ['<1', false],
  ['<=0', false],
]);
const someWhenRight = new Map([
  ['0<', true],
  ['0!==', true],
  ['0!=', true],
  ['1<=', true],
  ['0===', false],
  ['0==', false],
  ['1>', false],
  ['0>=', false],
]);
const conditionHolders = new Set(['if_statement', 'while_statement', 'do_statement']);
/** Operators that never call user code (no coercion, no getters) and never throw. */
const inertOperators = new Set(['===', '!==', '&&', '||', '??']);
const literalTypes = new Set(['string', 'number', 'true', 'false', 'null', 'undefined']);

export const filterLengthSome: Rule = {
  id: 'filter-length-some',
  family: 'javascript',
  title: '`xs.filter(p).length > 0` → `xs.some(p)`',
  description:
    '`xs.filter(p).length > 0` (or `=== 0`, or used as a condition) builds the whole array of matches only to ' +
    'count it: O(n) time and O(matches) memory on every call. `xs.some(p)` stops at the first match and ' +
    'allocates nothing: O(position of the first match). Applies only when `p` is an arrow function with ' +
    'plain parameters whose expression body can neither throw nor run other code, so skipping the elements ' +
    'after the first match skips nothing observable: names, literals, `typeof`, `!`, `===`, `!==`, `&&`, ' +
    '`||`, `??` and `?:` (no property reads: a null element or a getter could throw; no `==` or `<`: they ' +
    'may call `valueOf`).',
  before: 'if (ids.filter((id) => id === wanted).length > 0) grant();',
  after: 'if (ids.some((id) => id === wanted)) grant();',
  complexity: { before: 'O(n)', after: 'O(k), k = index of the first match' },
  apply(snippet) {
    for (const node of descendants(snippet.fn, new Set(['member_expression']))) {
      const site = countTest(node);
      if (!site) continue;
      const { call, replaced, some } = site;
      const text = `${some ? '' : '!'}${call.receiver.text}.some${call.argumentList.text}`;
      return [{ start: snippet.start(replaced), end: snippet.end(replaced), text }];
    }
    return null;
  },
};

function countTest(access: Node) {
  if (access.childForFieldName('property')?.text !== 'length' || access.childForFieldName('optional_chain'))
    return null;
  const object = access.childForFieldName('object');
  const call = object ? asMemberCall(object) : null;
  const predicate = call?.args[0];
  if (call?.method !== 'filter' || call.args.length !== 1 || predicate?.type !== 'arrow_function')
    return null;
  if (!hasPlainParameters(predicate)) return null;
  const body = predicate.childForFieldName('body');
  if (!body || !isInert(body)) return null;

  const parent = access.parent;
  if (parent?.type === 'binary_expression') {
    const operator = parent.childForFieldName('operator')?.text ?? '';
    const left = parent.childForFieldName('left');
    const right = parent.childForFieldName('right');
    const compact = (node: Node | null) => node?.text.replace(/\s+/g, '') ?? '';
    const some = isField(parent, 'left', access)
      ? someWhenLeft.get(operator + compact(right))
      : someWhenRight.get(compact(left) + operator);
    return some === undefined ? null : { call, replaced: parent, some };
  }
  // Truthiness of the count, where only truthiness is observed.
  let holder = parent;
  let inner: Node = access;
  while (holder?.type === 'parenthesized_expression') {
    inner = holder;
    holder = holder.parent;
  }
  const asCondition =
    (holder && conditionHolders.has(holder.type) && isField(holder, 'condition', inner)) ||
    (holder?.type === 'ternary_expression' && isField(holder, 'condition', inner)) ||
    (holder?.type === 'unary_expression' && holder.child(0)?.type === '!');
  return asCondition ? { call, replaced: access, some: true } : null;
}

/** `(x) =>`, `x =>` or `(x, i) =>`: no destructuring (throws on null) and no defaults (run code). */
function hasPlainParameters(arrow: Node): boolean {
  if (arrow.childForFieldName('parameter')) return true;
  const parameters = arrow.childForFieldName('parameters');
  return (
    parameters !== null && namedChildren(parameters).every((parameter) => parameter.type === 'identifier')
  );
}

/** An expression whose evaluation cannot throw or run code other than itself. */
function isInert(node: Node): boolean {
  switch (node.type) {
    case 'identifier':
    case 'undefined':
      return true;
    case 'parenthesized_expression':
      return namedChildren(node).every(isInert);
    case 'unary_expression': {
      const operator = node.child(0)?.type;
      return (operator === '!' || operator === 'typeof') && namedChildren(node).every(isInert);
    }
    case 'binary_expression':
      return (
        inertOperators.has(node.childForFieldName('operator')?.type ?? '') &&
        namedChildren(node).every(isInert)
      );
    case 'ternary_expression':
      return namedChildren(node).every(isInert);
    default:
      return literalTypes.has(node.type) && !(node.type === 'string' && node.text.includes('${'));
  }
}

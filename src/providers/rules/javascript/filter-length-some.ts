import type { Node } from 'web-tree-sitter';
import type { Rule } from '../rule.js';
import { asMemberCall, descendants, isField, unwrapParens } from '../syntax.js';

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
const sideEffectTypes = new Set([
  'call_expression',
  'new_expression',
  'assignment_expression',
  'augmented_assignment_expression',
  'update_expression',
  'await_expression',
  'yield_expression',
  'tagged_template',
  'template_substitution',
]);

export const filterLengthSome: Rule = {
  id: 'filter-length-some',
  family: 'javascript',
  title: '`xs.filter(p).length > 0` → `xs.some(p)`',
  description:
    '`xs.filter(p).length > 0` (or `=== 0`, or used as a condition) builds the whole array of matches only to ' +
    'count it: O(n) time and O(matches) memory on every call. `xs.some(p)` stops at the first match and ' +
    'allocates nothing: O(position of the first match). Applies only when `p` is an arrow function whose ' +
    'expression body calls nothing, assigns nothing and awaits nothing, so skipping the elements after the ' +
    'first match cannot skip a side effect (a getter with side effects, or a predicate that would throw on ' +
    'a later element, are the remaining differences; the harness checks the real inputs).',
  before: 'if (users.filter((u) => u.admin).length > 0) grant();',
  after: 'if (users.some((u) => u.admin)) grant();',
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
  const body = predicate.childForFieldName('body');
  if (!body || body.type === 'statement_block' || descendants(body).some((n) => sideEffectTypes.has(n.type)))
    return null;

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

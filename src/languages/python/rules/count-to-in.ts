import type { Node } from 'web-tree-sitter';
import type { Rule } from '../../../providers/rules/rule.js';
import { descendants, isField, namedChildren } from '../../../providers/rules/syntax.js';
import { pythonOccurrences, singleAssignment } from './syntax.js';

// `<count> <op> <literal>` and `<literal> <op> <count>`, whitespace removed: true "present", false "absent".
const presentWhenLeft = new Map([
  ['>0', true],
  ['!=0', true],
  ['>=1', true],
  ['==0', false],
  ['<1', false],
  ['<=0', false],
]);
const presentWhenRight = new Map([
  ['0<', true],
  ['0!=', true],
  ['1<=', true],
  ['0==', false],
  ['1>', false],
  ['0>=', false],
]);
const sequenceAnnotation = /^(typing\.)?(list|List|tuple|Tuple|str|bytes|Sequence)\b/;
const simpleTypes = new Set([
  'identifier',
  'attribute',
  'string',
  'integer',
  'float',
  'true',
  'false',
  'none',
]);

export const countToIn: Rule = {
  id: 'count-to-in',
  family: 'python',
  title: '`xs.count(v) > 0` → `v in xs`',
  description:
    '`xs.count(v) > 0` (or `== 0`, or a truth test of the count) counts every occurrence only to learn whether ' +
    'there is one: always O(n). `v in xs` stops at the first match: O(k). For lists, tuples, strings and ' +
    'bytes both compare the same way (identity, then `==`; substrings for strings, where the empty string ' +
    'counts as present in both). Applies only when `xs` is evidently one of those (a literal, a local ' +
    'assigned one, or a parameter annotated so), `count` gets exactly one argument, and both operands are ' +
    'plain names, attributes or literals (the rewrite evaluates them in the other order).',
  before: 'if ids.count(wanted) > 0:',
  after: 'if wanted in ids:',
  complexity: { before: 'O(n)', after: 'O(k), k = position of the first match' },
  apply(snippet) {
    for (const call of descendants(snippet.fn, new Set(['call']))) {
      const site = countCall(call, snippet.fn);
      if (!site) continue;
      const test = meaningOf(call);
      if (!test) continue;
      const text = `${site.value} ${test.present ? 'in' : 'not in'} ${site.sequence}`;
      return [{ start: snippet.start(test.replaced), end: snippet.end(test.replaced), text }];
    }
    return null;
  },
};

function countCall(call: Node, fn: Node): { sequence: string; value: string } | null {
  const callee = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'count') return null;
  const sequence = callee.childForFieldName('object');
  const parts = args?.type === 'argument_list' ? namedChildren(args) : [];
  const value = parts.length === 1 ? parts[0] : undefined;
  if (!sequence || !value || !simpleTypes.has(value.type) || !isEvidentSequence(sequence, fn)) return null;
  return { sequence: sequence.text, value: value.text };
}

function isEvidentSequence(node: Node, fn: Node): boolean {
  if (['list', 'tuple', 'string', 'concatenated_string'].includes(node.type)) return true;
  if (node.type !== 'identifier') return false;
  const occurrences = pythonOccurrences(fn, node.text);
  const parameter = occurrences.find(({ use }) => use === 'parameter')?.node.parent;
  if (parameter) {
    if (occurrences.some(({ use }) => use === 'declaration')) return false;
    const annotation =
      parameter.type === 'typed_parameter' || parameter.type === 'typed_default_parameter'
        ? parameter.childForFieldName('type')?.text
        : undefined;
    return annotation !== undefined && sequenceAnnotation.test(annotation);
  }
  const value = singleAssignment(occurrences)?.value;
  return value !== undefined && ['list', 'tuple', 'string', 'list_comprehension'].includes(value.type);
}

/** How the count is used: compared against 0/1, or truth-tested (`if xs.count(v):`, `not xs.count(v)`). */
function meaningOf(call: Node): { replaced: Node; present: boolean } | null {
  const parent = call.parent;
  if (parent?.type === 'comparison_operator') {
    const parts = namedChildren(parent);
    const operators = parent.children.filter((child) => child !== null && !child.isNamed);
    if (parts.length !== 2 || operators.length !== 1) return null;
    const operator = operators[0]?.type ?? '';
    const present =
      parts[0]?.id === call.id
        ? presentWhenLeft.get(operator + (parts[1]?.text ?? ''))
        : presentWhenRight.get((parts[0]?.text ?? '') + operator);
    return present === undefined ? null : { replaced: parent, present };
  }
  if (parent?.type === 'not_operator') return { replaced: parent, present: false };
  const truthTested =
    (parent?.type === 'if_statement' ||
      parent?.type === 'while_statement' ||
      parent?.type === 'elif_clause') &&
    isField(parent, 'condition', call);
  return truthTested || parent?.type === 'if_clause' ? { replaced: call, present: true } : null;
}

import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import {
  descendants,
  hasComment,
  isField,
  namedChildren,
  sameNode,
  unwrapParens,
} from '../../../providers/rules/syntax.js';
import { occurrencesOf } from './receiver-safety.js';
import { hasHoles, planAssignments, readsAccumulatorSafely } from './reduce-spread-accumulator.js';
import { enclosingFunction, isRepeatedInFunction, localDeclaration } from './scope.js';

export const spreadReassign: Rule = {
  id: 'spread-reassign',
  family: 'javascript',
  title: 'Copy-and-reassign in a loop (`out = [...out, x]`) → push / assign',
  description:
    '`out = [...out, x]` or `acc = { ...acc, [k]: v }` inside a loop copies everything gathered so far on ' +
    'every iteration: O(n²) time and garbage. When the variable is a local declared as a fresh `[]` / `{}` ' +
    'and no other code can hold one of its earlier values (it is only read, spread, returned or reassigned ' +
    'this way; never stored, passed on or captured by a callback), mutating it in place (`out.push(x)`, ' +
    '`acc[k] = v`) gives the same final value in O(n). Not applied to spreads of other arrays in the new ' +
    'elements (`push(...big)` can overflow the stack), holes, `__proto__` or computed keys that read the ' +
    'variable when several keys are set. A computed key must be a variable or property path; when it is ' +
    '"__proto__" (or an object), that step keeps the original copy, since `acc[k] = v` would set the prototype.',
  before: 'let out = [];\nfor (const x of xs) out = [...out, x * 2];',
  after: 'let out = [];\nfor (const x of xs) out.push(x * 2);',
  complexity: { before: 'O(n²)', after: 'O(n)' },
  apply(snippet) {
    for (const node of descendants(snippet.fn, new Set(['assignment_expression']))) {
      const edits = planReassignment(snippet, node);
      if (edits) return edits;
    }
    return null;
  },
};

function planReassignment(snippet: FunctionSnippet, assignment: Node): RuleEdit[] | null {
  const left = assignment.childForFieldName('left');
  const right = assignment.childForFieldName('right');
  const statement = assignment.parent;
  if (left?.type !== 'identifier' || !right || statement?.type !== 'expression_statement') return null;
  const name = left.text;
  const built = unwrapParens(right);
  if ((built.type !== 'array' && built.type !== 'object') || hasComment(built)) return null;
  const [spread, ...entries] = namedChildren(built);
  if (spread?.type !== 'spread_element' || namedChildren(spread)[0]?.text !== name || entries.length === 0)
    return null;
  if (!isRepeatedInFunction(assignment, snippet.fn) || enclosingFunction(assignment)?.id !== snippet.fn.id)
    return null;
  if (!readsAccumulatorSafely(entries, name, built.type === 'object')) return null;
  if (!onlyReadOrReassigned(snippet.fn, name, built.type)) return null;

  if (built.type === 'array') {
    if (hasHoles(built) || entries.some((entry) => entry.type === 'spread_element')) return null;
    const pushed = `${name}.push(${entries.map((entry) => entry.text).join(', ')})`;
    return [{ start: snippet.start(assignment), end: snippet.end(assignment), text: pushed }];
  }
  const plan = planAssignments(entries, name);
  if (!plan) return null;
  const inBlock = statement.parent?.type === 'statement_block';
  const separator =
    inBlock && snippet.startsLine(statement)
      ? `${snippet.eol}${snippet.indentAt(snippet.start(statement))}`
      : ' ';
  // A "__proto__" (or object) key keeps the original copy for that step; see planAssignments.
  const text = plan.guard
    ? `if (${plan.guard}) ${statement.text} else { ${plan.assignments.join(' ')} }`
    : plan.assignments.join(separator);
  return [
    {
      start: snippet.start(statement),
      end: snippet.end(statement),
      text: inBlock ? text : `{ ${text} }`,
    },
  ];
}

/**
 * Every occurrence is its `let x = []|{}` declaration, a read that cannot keep the value, `return x` from the
 * function itself, or (as left side or first spread) a self-reassignment `x = [...x, …]` of the same kind.
 */
function onlyReadOrReassigned(fn: Node, name: string, kind: string): boolean {
  const occurrences = occurrencesOf(fn, name);
  const declarator = localDeclaration(fn, occurrences);
  const initial = declarator?.childForFieldName('value');
  if (!initial || initial.type !== kind || namedChildren(initial).length > 0) return false;
  return occurrences.every(({ node, use }) => {
    if (use === 'declaration' || isSelfReassignment(node, name)) return true;
    const parent = node.parent;
    // `for (const x of out) out = [...out, x]` walks the old array; pushing would make it walk forever.
    if (parent?.type === 'for_in_statement') return false;
    if (parent?.type === 'return_statement') return sameNode(enclosingFunction(parent), fn);
    // A callback's read may run later and would then see the final value instead of an earlier copy.
    return use === 'read' && sameNode(enclosingFunction(node), fn);
  });
}

function isSelfReassignment(node: Node, name: string): boolean {
  const parent = node.parent;
  if (parent?.type === 'assignment_expression' && isField(parent, 'left', node)) {
    const built = unwrapParens(parent.childForFieldName('right') ?? parent);
    const first = namedChildren(built)[0];
    return (
      (built.type === 'array' || built.type === 'object') &&
      first?.type === 'spread_element' &&
      namedChildren(first)[0]?.text === name
    );
  }
  if (parent?.type !== 'spread_element') return false;
  const holder = parent.parent;
  if (!holder || !sameNode(namedChildren(holder)[0], parent)) return false;
  let up = holder;
  while (up.parent?.type === 'parenthesized_expression') up = up.parent;
  const assignment = up.parent;
  return (
    assignment?.type === 'assignment_expression' &&
    isField(assignment, 'right', up) &&
    assignment.childForFieldName('left')?.text === name
  );
}

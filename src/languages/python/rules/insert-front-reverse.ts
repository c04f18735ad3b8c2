import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import { contains, descendants, namedChildren, sameNode } from '../../../providers/rules/syntax.js';
import { enclosingFunction, insertLineAfter, pythonOccurrences, singleAssignment } from './syntax.js';

export const insertFrontReverse: Rule = {
  id: 'insert-front-reverse',
  family: 'python',
  title: '`out.insert(0, x)` in a loop → append, then one `reverse()`',
  description:
    '`out.insert(0, x)` moves every element already in the list: O(n²) for a loop of n inserts. Appending ' +
    'and reversing once after the loop builds the same list in O(n). Applies only to a list assigned `[]` ' +
    'in the same block just before the loop (so every run of the block starts empty), used inside the loop ' +
    'only by `out.insert(0, …)` statements, and a loop without an `else:` clause; after the loop the list ' +
    'may be used freely.',
  before: 'out = []\nfor x in xs:\n    out.insert(0, x * 2)\nreturn out',
  after: 'out = []\nfor x in xs:\n    out.append(x * 2)\nout.reverse()\nreturn out',
  complexity: { before: 'O(n²)', after: 'O(n)' },
  apply(snippet) {
    for (const loop of descendants(snippet.fn, new Set(['for_statement', 'while_statement']))) {
      const edits = planLoop(snippet, loop);
      if (edits) return edits;
    }
    return null;
  },
};

function planLoop(snippet: FunctionSnippet, loop: Node): RuleEdit[] | null {
  if (loop.childForFieldName('alternative') || !sameNode(enclosingFunction(loop), snippet.fn)) return null;
  const inserts = descendants(loop, new Set(['call'])).filter((call) => insertedList(call) !== null);
  const list = inserts[0] ? insertedList(inserts[0]) : null;
  if (!list) return null;
  const occurrences = pythonOccurrences(snippet.fn, list);
  const assignment = singleAssignment(occurrences);
  if (assignment?.value.type !== 'list' || namedChildren(assignment.value).length > 0) return null;
  // Declared in the loop's own block, before it, with no use in between.
  if (!sameNode(assignment.statement.parent, loop.parent) || assignment.statement.endIndex > loop.startIndex)
    return null;
  const ours = inserts.filter((call) => insertedList(call) === list);
  for (const { node, use } of occurrences) {
    if (use === 'declaration') continue;
    if (node.startIndex < loop.startIndex) return null;
    if (contains(loop, node) && !ours.some((call) => contains(call, node) && isStatement(call))) return null;
    // The insert's own arguments must not read the list either.
    if (ours.some((call) => contains(call.childForFieldName('arguments') ?? call, node))) return null;
  }
  const reverse = insertLineAfter(snippet, loop, `${list}.reverse()`);
  if (!reverse) return null;
  const appends = ours.map((call) => {
    const value = namedChildren(call.childForFieldName('arguments') as Node)[1] as Node;
    return { start: snippet.start(call), end: snippet.end(call), text: `${list}.append(${value.text})` };
  });
  return [...appends, reverse];
}

/** `name.insert(0, value)` → name. */
function insertedList(call: Node): string | null {
  const callee = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'insert') return null;
  const object = callee.childForFieldName('object');
  const parts = args?.type === 'argument_list' ? namedChildren(args) : [];
  if (object?.type !== 'identifier' || parts.length !== 2 || parts[0]?.text !== '0') return null;
  if (parts[1]?.type === 'keyword_argument' || parts[1]?.type.endsWith('splat')) return null;
  return object.text;
}

function isStatement(call: Node): boolean {
  return call.parent?.type === 'expression_statement' && namedChildren(call.parent).length === 1;
}

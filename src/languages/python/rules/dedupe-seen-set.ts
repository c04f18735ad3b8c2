import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import { descendants, namedChildren, sameNode } from '../../../providers/rules/syntax.js';
import { isHashable } from './hashable.js';
import {
  enclosingFunction,
  insertLineAfter,
  isRepeatedIn,
  membershipOperator,
  pythonOccurrences,
  singleAssignment,
  unusedName,
} from './syntax.js';

export const dedupeSeenSet: Rule = {
  id: 'dedupe-seen-set',
  family: 'python',
  title: '`if x not in out: out.append(x)` → a seen set kept alongside',
  description:
    'Collecting distinct values with `if x not in out: out.append(x)` scans the growing list on every test: ' +
    'O(n·k) for n inputs and k distinct values. A set updated at every append answers the test in O(1): ' +
    'O(n), and the list (order included) is unchanged. Applies only to a local assigned `[]` once in the ' +
    'function, changed only by `append` of a plain name, otherwise only read or returned by the function ' +
    'itself, with at least one membership test in a loop or comprehension. A set raises `TypeError` on an ' +
    'unhashable value where the list compares it, so every tested and appended value must be hashable on ' +
    'every input: a literal, `str(…)`, `int(…)`, `len(…)`, a str method, or a name bound only to those ' +
    '(`key = str(x)`, `for i in range(n)`, `for w in str(text).split()`).',
  before: 'out = []\nfor x in xs:\n    key = str(x)\n    if key not in out:\n        out.append(key)',
  after:
    'out = []\nout_seen = set()\nfor x in xs:\n    key = str(x)\n    if key not in out_seen:\n        out_seen.add(key)\n        out.append(key)',
  complexity: { before: 'O(n·k)', after: 'O(n)' },
  apply(snippet) {
    const lists = new Set<string>();
    for (const test of descendants(snippet.fn, new Set(['comparison_operator']))) {
      const container = namedChildren(test)[1];
      if (membershipOperator(test) && container?.type === 'identifier') lists.add(container.text);
    }
    for (const list of lists) {
      const edits = planList(snippet, list);
      if (edits) return edits;
    }
    return null;
  },
};

function planList(snippet: FunctionSnippet, list: string): RuleEdit[] | null {
  const { fn } = snippet;
  if (pythonOccurrences(fn, 'set').some(({ use }) => use !== 'read' && use !== 'unsafe')) return null;
  const occurrences = pythonOccurrences(fn, list);
  const assignment = singleAssignment(occurrences);
  if (assignment?.value.type !== 'list' || namedChildren(assignment.value).length > 0) return null;
  if (!sameNode(enclosingFunction(assignment.statement), fn)) return null;

  const tests: Node[] = [];
  const appends: { statement: Node; value: string }[] = [];
  for (const { node, use } of occurrences) {
    if (use === 'declaration') continue;
    const parent = node.parent;
    if (
      parent?.type === 'comparison_operator' &&
      membershipOperator(parent) &&
      namedChildren(parent)[1]?.id === node.id
    ) {
      const probe = namedChildren(parent)[0];
      if (!probe || !isHashable(probe, fn)) return null;
      tests.push(node);
    } else if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.text === 'append') {
      const call = parent.parent;
      const args = call?.childForFieldName('arguments');
      const parts = args?.type === 'argument_list' ? namedChildren(args) : [];
      const statement = call?.parent;
      // The appended value is read twice (once for the set), so it must be a plain name.
      if (parts.length !== 1 || parts[0]?.type !== 'identifier' || statement?.type !== 'expression_statement')
        return null;
      if (!isHashable(parts[0], fn)) return null;
      appends.push({ statement, value: parts[0].text });
    } else if (parent?.type === 'return_statement') {
      if (!sameNode(enclosingFunction(parent), fn)) return null;
    } else if (use !== 'read') {
      return null;
    }
  }
  if (appends.length === 0 || !tests.some((test) => isRepeatedIn(test, fn))) return null;

  const seen = unusedName(snippet.source, `${list}_seen`);
  const declaration = insertLineAfter(snippet, assignment.statement, `${seen} = set()`);
  if (!declaration) return null;
  const edits: RuleEdit[] = [declaration];
  for (const test of tests) edits.push({ start: snippet.start(test), end: snippet.end(test), text: seen });
  for (const { statement, value } of appends) {
    const at = snippet.start(statement);
    // `if x not in out: out.append(x)` on one line: keep it on one line.
    const separator = snippet.startsLine(statement) ? `${snippet.eol}${snippet.indentAt(at)}` : '; ';
    edits.push({ start: at, end: at, text: `${seen}.add(${value})${separator}` });
  }
  return edits;
}

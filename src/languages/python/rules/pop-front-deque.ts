import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import { descendants, isField, namedChildren, sameNode } from '../../../providers/rules/syntax.js';
import { enclosingFunction, isRepeatedIn, pythonOccurrences, singleAssignment } from './syntax.js';

/** What a deque does exactly like a list. */
const sharedMethods = new Set(['append', 'extend', 'pop', 'count', 'index', 'clear']);
const readingBuiltins = new Set(['len', 'bool', 'any', 'all', 'sum', 'min', 'max', 'sorted']);

export const popFrontDeque: Rule = {
  id: 'pop-front-deque',
  family: 'python',
  title: '`list.pop(0)` as a queue → `collections.deque.popleft()`',
  description:
    '`queue.pop(0)` shifts every remaining element of a list: O(n) per pop, O(n²) for a queue that sees n ' +
    'items. A `collections.deque` pops from the left in O(1): O(n). Applies only to a local assigned once ' +
    'from `[...]` or `list(...)` (without a type annotation) that never leaves the function (not returned, ' +
    'stored or passed on) and is only used in ways a deque supports identically: `append`, `extend`, ' +
    '`pop()`, `pop(0)`, `len()`, truth tests, iteration, `in`, `[0]` / `[-1]`. Adds ' +
    '`from collections import deque`.',
  before: 'queue = [root]\nwhile queue:\n    node = queue.pop(0)\n    queue.extend(node.children)',
  after: 'queue = deque([root])\nwhile queue:\n    node = queue.popleft()\n    queue.extend(node.children)',
  complexity: { before: 'O(n²)', after: 'O(n)' },
  imports: ['from collections import deque'],
  apply(snippet) {
    if (/\bdeque\b/.test(snippet.source)) return null;
    for (const call of descendants(snippet.fn, new Set(['call']))) {
      const queue = popFrontReceiver(call);
      if (!queue || !isRepeatedIn(call, snippet.fn)) continue;
      const edits = planQueue(snippet, queue);
      if (edits) return edits;
    }
    return null;
  },
};

/** `q.pop(0)` → `q`. */
function popFrontReceiver(call: Node): string | null {
  const callee = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'pop') return null;
  const object = callee.childForFieldName('object');
  const [index, ...rest] = args ? namedChildren(args) : [];
  if (object?.type !== 'identifier' || index?.text !== '0' || rest.length > 0) return null;
  return object.text;
}

function planQueue(snippet: FunctionSnippet, queue: string): RuleEdit[] | null {
  const { fn } = snippet;
  const occurrences = pythonOccurrences(fn, queue);
  const assignment = singleAssignment(occurrences);
  if (!assignment || assignment.statement.firstNamedChild?.childForFieldName('type')) return null;
  if (!sameNode(enclosingFunction(assignment.statement), fn)) return null;
  const initial = initialDeque(assignment.value);
  if (initial === null) return null;

  const pops: Node[] = [];
  for (const { node, use } of occurrences) {
    if (use === 'declaration') continue;
    const parent = node.parent;
    if (parent?.type === 'attribute') {
      const call = parent.parent;
      const method = parent.childForFieldName('attribute')?.text ?? '';
      if (call?.type !== 'call' || !isField(call, 'function', parent) || !sharedMethods.has(method))
        return null;
      if (popFrontReceiver(call) === queue) pops.push(call);
      else if (method === 'pop' && namedChildren(call.childForFieldName('arguments') ?? call).length > 0)
        return null;
    } else if (parent?.type === 'subscript') {
      const index = parent.childForFieldName('subscript')?.text;
      if ((index !== '0' && index !== '-1') || use !== 'read') return null;
    } else if (parent?.type === 'argument_list') {
      const callee = parent.parent?.childForFieldName('function');
      if (callee?.type !== 'identifier' || !readingBuiltins.has(callee.text)) return null;
    } else if (use !== 'read') {
      return null;
    }
  }
  return [
    { start: snippet.start(assignment.value), end: snippet.end(assignment.value), text: initial },
    ...pops.map((call) => ({
      start: snippet.start(call),
      end: snippet.end(call),
      text: `${queue}.popleft()`,
    })),
  ];
}

/** `[…]` → `deque([…])`, `list(x)` → `deque(x)` (both iterate x once, in order). */
function initialDeque(value: Node): string | null {
  if (value.type === 'list') return namedChildren(value).length === 0 ? 'deque()' : `deque(${value.text})`;
  const callee = value.type === 'call' ? value.childForFieldName('function') : null;
  const args = value.childForFieldName('arguments');
  if (callee?.text !== 'list' || args?.type !== 'argument_list') return null;
  const inner = namedChildren(args);
  if (inner.length > 1 || inner.some((arg) => arg.type === 'keyword_argument' || arg.type.endsWith('splat')))
    return null;
  return `deque${args.text}`;
}

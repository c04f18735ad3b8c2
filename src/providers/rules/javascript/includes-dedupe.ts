import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../rule.js';
import type { FunctionSnippet } from '../snippet.js';
import { asMemberCall, descendants, hasComment, isField, namedChildren, sameNode } from '../syntax.js';
import { occurrencesOf } from './receiver-safety.js';
import {
  enclosingFunction,
  insertAfter,
  isRepeatedInFunction,
  localDeclaration,
  shadows,
  unusedName,
} from './scope.js';

export const includesDedupe: Rule = {
  id: 'includes-dedupe',
  family: 'javascript',
  title: 'Check-then-push dedupe → a Set kept alongside the array',
  description:
    'Building a list of distinct values with `if (!out.includes(x)) out.push(x)` in a loop scans the growing ' +
    'result on every test: O(n·k) for n inputs and k distinct values. A `Set` declared next to the array and ' +
    'updated at every push answers the test in O(1): O(n). `includes` and `Set#has` both compare with ' +
    'SameValueZero (NaN found, -0 equals +0), and the array itself is unchanged, so results are identical. ' +
    'Applies only to an array declared in the function as a fresh `[]` (`const`/`let`), never reassigned, ' +
    'changed only by single-argument `push` of a plain variable, and otherwise only read or returned; at least ' +
    'one test must sit inside a loop or an array-method callback.',
  before: 'const out = [];\nfor (const x of xs) if (!out.includes(x)) out.push(x);',
  after:
    'const out = [];\nconst outSeen = new Set();\nfor (const x of xs) if (!outSeen.has(x)) { outSeen.add(x); out.push(x); }',
  complexity: { before: 'O(n·k)', after: 'O(n)' },
  apply(snippet) {
    const { fn } = snippet;
    if (shadows(fn, 'Set')) return null;
    const arrays = new Set<string>();
    for (const node of descendants(fn, new Set(['call_expression']))) {
      const call = asMemberCall(node);
      if (call?.method === 'includes' && call.receiver.type === 'identifier') arrays.add(call.receiver.text);
    }
    for (const array of arrays) {
      const edits = planArray(snippet, array);
      if (edits) return edits;
    }
    return null;
  },
};

function planArray(snippet: FunctionSnippet, array: string): RuleEdit[] | null {
  const { fn } = snippet;
  const occurrences = occurrencesOf(fn, array);
  const declarator = localDeclaration(fn, occurrences);
  const initial = declarator?.childForFieldName('value');
  if (!declarator || initial?.type !== 'array' || namedChildren(initial).length > 0 || hasComment(initial))
    return null;

  const tests: Node[] = [];
  const pushes: { call: Node; value: string }[] = [];
  for (const { node, use } of occurrences) {
    if (use === 'declaration') continue;
    const member = node.parent;
    const call = member?.parent ? asMemberCall(member.parent) : null;
    if (call && sameNode(call.receiver, node) && call.method === 'includes') {
      const [argument] = call.args;
      if (call.args.length !== 1 || !argument || argument.type === 'spread_element') return null;
      tests.push(call.member);
    } else if (call && sameNode(call.receiver, node) && call.method === 'push') {
      const [argument] = call.args;
      // The pushed value is read twice (once for the Set), so it must be a plain variable.
      if (call.args.length !== 1 || argument?.type !== 'identifier') return null;
      pushes.push({ call: call.call, value: argument.text });
    } else if (isOwnReturn(node, fn)) {
      // The array leaves with the function; the Set is never consulted again for it.
    } else if (use !== 'read') {
      return null;
    }
  }
  if (pushes.length === 0 || !tests.some((test) => isRepeatedInFunction(test, fn))) return null;

  const setName = unusedName(snippet.source, `${array}Seen`);
  const statement = declarator.parent;
  if (!statement) return null;
  const edits: RuleEdit[] = [insertAfter(snippet, statement, `const ${setName} = new Set();`)];
  for (const test of tests) {
    edits.push({ start: snippet.start(test), end: snippet.end(test), text: `${setName}.has` });
  }
  for (const { call, value } of pushes) {
    const add = `${setName}.add(${value})`;
    const statement = call.parent;
    if (statement?.type !== 'expression_statement' || !sameNode(namedChildren(statement)[0], call)) {
      // Inside an expression (`seen || out.push(x)`): keep push's value.
      edits.push({ start: snippet.start(call), end: snippet.end(call), text: `(${add}, ${call.text})` });
    } else if (statement.parent?.type === 'statement_block') {
      const separator = snippet.startsLine(statement)
        ? `${snippet.eol}${snippet.indentAt(snippet.start(statement))}`
        : ' ';
      edits.push({
        start: snippet.start(statement),
        end: snippet.start(statement),
        text: `${add};${separator}`,
      });
    } else {
      edits.push({
        start: snippet.start(statement),
        end: snippet.end(statement),
        text: `{ ${add}; ${statement.text} }`,
      });
    }
  }
  return edits;
}

/** `return array;` of the function itself (not of a callback, which could hand the array to anyone). */
function isOwnReturn(node: Node, fn: Node): boolean {
  const parent = node.parent;
  if (parent?.type === 'return_statement') return sameNode(enclosingFunction(parent), fn);
  // `(args) => array` as the function's own expression body.
  return fn.type === 'arrow_function' && isField(fn, 'body', node);
}

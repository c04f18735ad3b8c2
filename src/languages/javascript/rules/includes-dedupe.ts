import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import {
  asMemberCall,
  descendants,
  hasComment,
  isField,
  namedChildren,
  sameNode,
} from '../../../providers/rules/syntax.js';
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
    'The test may also be `out.indexOf(x) === -1` (or `< 0`, `!== -1`, `>= 0`), rewritten with a NaN guard ' +
    'since indexOf never finds NaN. Applies only to an array declared in the function as a fresh `[]` ' +
    '(`const`/`let`, or `var` in the function body before any use), never reassigned, changed only by ' +
    'single-argument `push` of a plain variable or `out[out.length] = x`, and otherwise only read or returned; ' +
    'at least one test must sit inside a loop or an array-method callback.',
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
      if ((call?.method === 'includes' || call?.method === 'indexOf') && call.receiver.type === 'identifier')
        arrays.add(call.receiver.text);
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
  const indexTests: { test: Node; value: string; found: boolean }[] = [];
  const pushes: { call: Node; value: string }[] = [];
  for (const { node, use } of occurrences) {
    if (use === 'declaration') continue;
    const member = node.parent;
    const call = member?.parent ? asMemberCall(member.parent) : null;
    const appended = lengthAppend(node, array);
    if (call && sameNode(call.receiver, node) && call.method === 'includes') {
      const [argument] = call.args;
      if (call.args.length !== 1 || !argument || argument.type === 'spread_element') return null;
      tests.push(call.member);
    } else if (call && sameNode(call.receiver, node) && call.method === 'indexOf') {
      const [argument] = call.args;
      const compared = notFoundTest(call.call);
      // The value is read twice (NaN guard and Set), so it must be a plain variable.
      if (call.args.length !== 1 || argument?.type !== 'identifier' || !compared) return null;
      indexTests.push({ test: compared.test, value: argument.text, found: compared.found });
    } else if (call && sameNode(call.receiver, node) && call.method === 'push') {
      const [argument] = call.args;
      // The pushed value is read twice (once for the Set), so it must be a plain variable.
      if (call.args.length !== 1 || argument?.type !== 'identifier') return null;
      pushes.push({ call: call.call, value: argument.text });
    } else if (appended) {
      pushes.push(appended);
    } else if (isLengthInAppend(node, array)) {
      // `array.length` as the index of `array[array.length] = x`: the append above.
    } else if (isOwnReturn(node, fn)) {
      // The array leaves with the function; the Set is never consulted again for it.
    } else if (use !== 'read') {
      return null;
    }
  }
  const repeated = [...tests, ...indexTests.map((t) => t.test)].some((test) =>
    isRepeatedInFunction(test, fn),
  );
  if (pushes.length === 0 || !repeated) return null;

  const setName = unusedName(snippet.source, `${array}Seen`);
  const statement = declarator.parent;
  if (!statement) return null;
  const edits: RuleEdit[] = [insertAfter(snippet, statement, `const ${setName} = new Set();`)];
  for (const test of tests) {
    edits.push({ start: snippet.start(test), end: snippet.end(test), text: `${setName}.has` });
  }
  for (const { test, value, found } of indexTests) {
    // indexOf compares with ===, which never finds NaN; Set#has does (SameValueZero): NaN is never "found".
    const has = `${value} === ${value} && ${setName}.has(${value})`;
    edits.push({
      start: snippet.start(test),
      end: snippet.end(test),
      text: found ? `(${has})` : `!(${has})`,
    });
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

/**
 * `array.indexOf(x) === -1` (or `< 0`): not found; `!== -1`, `> -1`, `>= 0`: found. The comparison node, or null for
 * any other use of the index.
 */
function notFoundTest(call: Node): { test: Node; found: boolean } | null {
  const comparison = call.parent;
  if (comparison?.type !== 'binary_expression' || !isField(comparison, 'left', call)) return null;
  const operator = comparison.childForFieldName('operator')?.text;
  const bound = comparison.childForFieldName('right')?.text.replace(/\s+/g, '');
  if (bound === '-1' && (operator === '===' || operator === '==')) return { test: comparison, found: false };
  if (bound === '0' && operator === '<') return { test: comparison, found: false };
  if (bound === '-1' && (operator === '!==' || operator === '!=' || operator === '>')) {
    return { test: comparison, found: true };
  }
  if (bound === '0' && operator === '>=') return { test: comparison, found: true };
  return null;
}

/** `array[array.length] = x;` as a statement of its own (an append, like push): the statement and x. */
function lengthAppend(node: Node, array: string): { call: Node; value: string } | null {
  const subscript = node.parent;
  if (subscript?.type !== 'subscript_expression' || !isField(subscript, 'object', node)) return null;
  const index = subscript.childForFieldName('index');
  if (index?.type !== 'member_expression' || index.text.replace(/\s+/g, '') !== `${array}.length`)
    return null;
  const assignment = subscript.parent;
  const value = assignment?.childForFieldName('right');
  if (assignment?.type !== 'assignment_expression' || !isField(assignment, 'left', subscript)) return null;
  if (value?.type !== 'identifier' || assignment.parent?.type !== 'expression_statement') return null;
  return { call: assignment, value: value.text };
}

function isLengthInAppend(node: Node, array: string): boolean {
  const member = node.parent;
  const subscript = member?.parent;
  return (
    member?.type === 'member_expression' &&
    subscript?.type === 'subscript_expression' &&
    isField(subscript, 'index', member) &&
    lengthAppend(subscript.childForFieldName('object') as Node, array) !== null
  );
}

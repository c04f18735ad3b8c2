import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import { asMemberCall, descendants, namedChildren, unwrapParens } from '../../../providers/rules/syntax.js';
import { occurrencesOf } from './receiver-safety.js';
import { hoistBefore, isRepeatedInFunction, shadows, topStatementOf, unusedName } from './scope.js';

/**
 * Calls that cannot change a property of an element behind our back. Anything else (a user function, a setter
 * call) might, and the index would then answer with stale keys.
 */
const pureMethods = new Set([
  'find',
  'filter',
  'map',
  'some',
  'every',
  'forEach',
  'reduce',
  'flatMap',
  'includes',
  'indexOf',
  'push',
  'slice',
  'concat',
  'join',
  'at',
  'keys',
  'values',
  'entries',
  'toString',
  'toLowerCase',
  'toUpperCase',
  'trim',
  'startsWith',
  'endsWith',
  'has',
  'get',
  'isArray',
]);
const pureFunctions = new Set(['String', 'Number', 'Boolean', 'parseInt', 'parseFloat']);
const mutatingTypes = new Set([
  'assignment_expression',
  'augmented_assignment_expression',
  'update_expression',
]);

export const findJoinMap: Rule = {
  id: 'find-join-map',
  family: 'javascript',
  title: 'Nested `find`/`filter` join → a Map index',
  description:
    '`orders.map((o) => customers.find((c) => c.id === o.customerId))` scans the inner array for every outer ' +
    'item: O(n·m). Indexing the inner array once by the compared property (`new Map`, first match kept for ' +
    '`find`, all matches in order for `filter`) makes each lookup O(1): O(n + m). `===` never matches NaN, so ' +
    'NaN keys stay out of the index; `filter` lookups return a fresh copy of the group. Applies only to a ' +
    'callback `(c) => c.key === expr` (either side) whose `expr` does not use `c` and calls nothing, on an ' +
    'array that is not changed, passed on or reassigned in the function, inside a loop or array-method ' +
    'callback, and only when the function assigns to no property and calls nothing but known array, string ' +
    'and Map/Set methods (so element keys cannot change between lookups). When the array is not an array at ' +
    'run time or holds null, undefined or a hole (where the original may throw), no index is built and each ' +
    'lookup is the original call. Assumes keys without getters.',
  before: 'return orders.map((o) => customers.find((c) => c.id === o.customerId));',
  after:
    'let customersById = Array.isArray(customers) ? new Map() : null;\nfor (const c of customersById ? customers : []) { if (c == null) { customersById = null; break; } if (c.id === c.id && !customersById.has(c.id)) customersById.set(c.id, c); }\nreturn orders.map((o) => (customersById ? customersById.get(o.customerId) : customers.find((c) => c.id === o.customerId)));',
  complexity: { before: 'O(n·m)', after: 'O(n + m)' },
  apply(snippet) {
    const { fn } = snippet;
    if (shadows(fn, 'Map') || !keysCannotChange(fn)) return null;
    for (const node of descendants(fn, new Set(['call_expression']))) {
      const edits = planLookup(snippet, node);
      if (edits) return edits;
    }
    return null;
  },
};

function keysCannotChange(fn: Node): boolean {
  // Maps and Sets made here (also by earlier rewrites) may be filled: they hold no elements' keys.
  const collections = new Set(
    descendants(fn, new Set(['variable_declarator']))
      .filter((declarator) => isCollection(declarator.childForFieldName('value')))
      .map((declarator) => declarator.childForFieldName('name')?.text),
  );
  for (const node of descendants(fn)) {
    if (mutatingTypes.has(node.type)) {
      const target = unwrapParens(
        node.childForFieldName('left') ?? node.childForFieldName('argument') ?? node,
      );
      if (target.type !== 'identifier') return false;
    } else if (node.type === 'unary_expression' && node.child(0)?.type === 'delete') {
      return false;
    } else if (node.type === 'new_expression') {
      if (!isCollection(node)) return false;
    } else if (node.type === 'call_expression') {
      const callee = node.childForFieldName('function');
      const call = asMemberCall(node);
      if (call && (call.method === 'set' || call.method === 'add')) {
        if (!collections.has(call.receiver.text)) return false;
      } else if (call ? !pureMethods.has(call.method) : !pureFunctions.has(callee?.text ?? '')) {
        return false;
      }
    }
  }
  return true;
}

function isCollection(node: Node | null): boolean {
  // `Array.isArray(xs) ? new Map() : null`, our own index.
  if (node?.type === 'ternary_expression') return isCollection(node.childForFieldName('consequence'));
  if (node?.type !== 'new_expression') return false;
  const constructor = node.childForFieldName('constructor')?.text;
  return constructor === 'Map' || constructor === 'Set';
}

function planLookup(snippet: FunctionSnippet, node: Node): RuleEdit[] | null {
  const call = asMemberCall(node);
  if ((call?.method !== 'find' && call?.method !== 'filter') || call.args.length !== 1) return null;
  if (call.receiver.type !== 'identifier') return null;
  const array = call.receiver.text;
  const match = keyComparison(call.args[0]);
  if (!match || match.element === array || !isRepeatedInFunction(node, snippet.fn)) return null;

  const { fn } = snippet;
  const occurrences = occurrencesOf(fn, array);
  if (occurrences.some(({ use }) => use === 'unsafe')) return null;
  const declarations = occurrences.filter(({ use }) => use === 'declaration');
  if (declarations.length > 1) return null;
  const body = fn.childForFieldName('body');
  const declaration = declarations[0]?.node;
  const parameters = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  const isParameter =
    declaration &&
    parameters &&
    parameters.startIndex <= declaration.startIndex &&
    declaration.endIndex <= parameters.endIndex;
  if (declaration && !isParameter) {
    if (body?.type !== 'statement_block') return null;
    const declaredIn = topStatementOf(body, declaration);
    const usedIn = topStatementOf(body, node);
    if (!declaredIn || !usedIn || declaredIn.endIndex > usedIn.startIndex) return null;
  }

  const { element, key, expression } = match;
  const capitalized = key.charAt(0).toUpperCase() + key.slice(1);
  const index = unusedName(snippet.source, `${array}By${capitalized}`);
  const prop = `${element}.${key}`;
  const guard = `${prop} === ${prop}`;
  const fill =
    call.method === 'find'
      ? `if (${guard} && !${index}.has(${prop})) ${index}.set(${prop}, ${element});`
      : `if (${guard}) (${index}.get(${prop}) ?? ${index}.set(${prop}, []).get(${prop})).push(${element});`;
  // Not an array, or an element (or hole) that is null or undefined, where the original may throw: no index,
  // every lookup is the original call.
  const lookup =
    call.method === 'find'
      ? `(${index} ? ${index}.get(${expression}) : ${node.text})`
      : `(${index} ? (${index}.get(${expression}) ?? []).slice() : ${node.text})`;
  return hoistBefore(
    snippet,
    node,
    node,
    [
      `let ${index} = Array.isArray(${array}) ? new Map() : null;`,
      `for (const ${element} of ${index} ? ${array} : []) { if (${element} == null) { ${index} = null; break; } ${fill} }`,
    ],
    [{ start: snippet.start(node), end: snippet.end(node), text: lookup }],
  );
}

/** `(c) => c.key === expr` or `(c) => { return expr === c.key; }` with `expr` free of `c` and of calls. */
function keyComparison(
  callback: Node | undefined,
): { element: string; key: string; expression: string } | null {
  if (callback?.type !== 'arrow_function') return null;
  const single = callback.childForFieldName('parameter');
  const parameters = callback.childForFieldName('parameters');
  const list = parameters ? namedChildren(parameters) : [];
  const parameter = single ?? (list.length === 1 ? list[0] : null);
  const element =
    parameter?.type === 'identifier'
      ? parameter
      : parameter?.type === 'required_parameter' && !parameter.childForFieldName('type')
        ? parameter.childForFieldName('pattern')
        : null;
  if (element?.type !== 'identifier') return null;
  let body = callback.childForFieldName('body');
  if (body?.type === 'statement_block') {
    const statements = namedChildren(body);
    body =
      statements.length === 1 && statements[0]?.type === 'return_statement'
        ? (namedChildren(statements[0])[0] ?? null)
        : null;
  }
  const comparison = body ? unwrapParens(body) : null;
  if (comparison?.type !== 'binary_expression' || comparison.childForFieldName('operator')?.text !== '===')
    return null;
  const left = comparison.childForFieldName('left');
  const right = comparison.childForFieldName('right');
  if (!left || !right) return null;
  for (const [side, other] of [
    [left, right],
    [right, left],
  ] as const) {
    const key = propertyOf(side, element.text);
    if (key && isFreeOf(other, element.text)) return { element: element.text, key, expression: other.text };
  }
  return null;
}

function propertyOf(node: Node, element: string): string | null {
  if (node.type !== 'member_expression' || node.childForFieldName('optional_chain')) return null;
  const property = node.childForFieldName('property');
  if (node.childForFieldName('object')?.text !== element || property?.type !== 'property_identifier')
    return null;
  return property.text;
}

const impureTypes = new Set([
  'call_expression',
  'new_expression',
  'assignment_expression',
  'augmented_assignment_expression',
  'update_expression',
  'await_expression',
  'yield_expression',
  'arrow_function',
  'function_expression',
]);

function isFreeOf(node: Node, element: string): boolean {
  return descendants(node).every(
    (inner) => !impureTypes.has(inner.type) && !(inner.type === 'identifier' && inner.text === element),
  );
}

import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import {
  asMemberCall,
  descendants,
  hasComment,
  isAsyncOrGenerator,
  isField,
  isFunctionNode,
  namedChildren,
  sameNode,
  unwrapParens,
} from '../../../providers/rules/syntax.js';
import { expressionBodyToBlock } from './arrow-body.js';

export const reduceSpreadAccumulator: Rule = {
  id: 'reduce-spread-accumulator',
  family: 'javascript',
  title: 'Spread accumulator in reduce → mutate the fresh accumulator',
  description:
    '`reduce((acc, x) => ({ ...acc, [k]: v }), {})` and `reduce((acc, x) => [...acc, v], [])` copy the whole ' +
    'accumulator on every step: O(n²) time and garbage. When the initial value is a fresh empty `{}` / `[]` ' +
    'literal, no caller can observe the intermediate accumulators, so assigning into it (`acc[k] = v; return ' +
    'acc;`) or pushing (`(acc.push(v), acc)`) is O(n). Applies only when the spread of the accumulator comes ' +
    'first, there is no other spread, method, getter or `__proto__` key, and the new entries read the ' +
    'accumulator at most through plain property reads (none at all when an object adds several keys). A ' +
    'computed key must be a variable or property path: `acc[k] = v` would set the prototype where the literal ' +
    'adds an own key when k is "__proto__" (or an object whose string is), so for such a key (or any object ' +
    'key) that step keeps the original literal, and later steps mutate its fresh copy. Assumes the receiver ' +
    'is an array (Array.prototype.reduce hands the initial value to one call only) and keys without getters.',
  before: 'records.reduce((acc, r) => ({ ...acc, [r.id]: r }), {})',
  after:
    "records.reduce((acc, r) => {\n  if (r.id === '__proto__' || typeof r.id === 'object' || typeof r.id === 'function') return { ...acc, [r.id]: r };\n  acc[r.id] = r;\n  return acc;\n}, {})",
  complexity: { before: 'O(n²)', after: 'O(n)' },
  apply(snippet) {
    for (const node of descendants(snippet.fn, new Set(['call_expression']))) {
      const edits = rewriteReduce(snippet, node);
      if (edits) return edits;
    }
    return null;
  },
};

function rewriteReduce(snippet: FunctionSnippet, node: Node): RuleEdit[] | null {
  const call = asMemberCall(node);
  if (!call || (call.method !== 'reduce' && call.method !== 'reduceRight') || call.args.length !== 2)
    return null;
  const [callback, typedInitial] = call.args;
  // TypeScript: `{} as Record<string, T>` / `[] satisfies T[]` is still a fresh literal.
  const initial =
    typedInitial?.type === 'as_expression' || typedInitial?.type === 'satisfies_expression'
      ? unwrapParens(typedInitial.namedChildren[0] ?? typedInitial)
      : typedInitial;
  if (!callback || !initial || hasComment(initial) || namedChildren(initial).length > 0) return null;
  if (initial.type !== 'object' && initial.type !== 'array') return null;
  if (!isFunctionNode(callback) || callback.type === 'method_definition' || isAsyncOrGenerator(callback))
    return null;
  const accumulator = firstParameter(callback);
  const body = callback.childForFieldName('body');
  if (!accumulator || !body) return null;

  const produced = producedExpression(callback, body, accumulator);
  if (!produced) return null;
  const built = unwrapParens(produced);
  if (built.type !== initial.type || hasComment(built)) return null;
  const [spread, ...entries] = namedChildren(built);
  if (spread?.type !== 'spread_element' || namedChildren(spread)[0]?.text !== accumulator) return null;
  if (entries.length === 0 || !readsAccumulatorSafely(entries, accumulator, built.type === 'object'))
    return null;

  if (built.type === 'array') {
    if (hasHoles(built) || entries.some((entry) => entry.type === 'spread_element')) return null;
    const pushed = `(${accumulator}.push(${entries.map((entry) => entry.text).join(', ')}), ${accumulator})`;
    return [{ start: snippet.start(produced), end: snippet.end(produced), text: pushed }];
  }

  // `{} as X`: in TypeScript `acc[key] = v` does not type-check when X has no index signature (radash's
  // `assign<X>`, "Type 'string' cannot be used to index type 'X'"), where the spread literal did.
  const typed = typedInitial !== initial;
  const indexed = typed ? `(${accumulator} as unknown as Record<PropertyKey, unknown>)` : accumulator;
  const plan = planAssignments(entries, accumulator, indexed);
  if (!plan) return null;
  const assignments = plan.guard
    ? [`if (${plan.guard}) return ${produced.text};`, ...plan.assignments]
    : plan.assignments;
  if (body.type !== 'statement_block') {
    return [expressionBodyToBlock(snippet, callback, assignments, accumulator)];
  }
  const returnStatement = produced.parent;
  if (returnStatement?.type !== 'return_statement') return null;
  const separator = snippet.startsLine(returnStatement)
    ? `${snippet.eol}${snippet.indentAt(snippet.start(returnStatement))}`
    : ' ';
  return [
    {
      start: snippet.start(returnStatement),
      end: snippet.end(returnStatement),
      text: [...assignments, `return ${accumulator};`].join(separator),
    },
  ];
}

function firstParameter(callback: Node): string | null {
  const single = callback.childForFieldName('parameter');
  const parameters = callback.childForFieldName('parameters');
  let first = single ?? (parameters ? namedChildren(parameters)[0] : undefined);
  // TypeScript: `(acc: Record<string, T>, x) => …`
  if (first?.type === 'required_parameter') first = first.childForFieldName('pattern') ?? undefined;
  return first?.type === 'identifier' ? first.text : null;
}

/**
 * The expression the callback returns: its expression body, or the argument of the final `return` of a block
 * whose other statements neither return nor mention the accumulator.
 */
function producedExpression(callback: Node, body: Node, accumulator: string): Node | null {
  if (body.type !== 'statement_block') return body;
  const statements = namedChildren(body);
  const last = statements.pop();
  if (last?.type !== 'return_statement') return null;
  for (const statement of statements) {
    if (mentions(statement, accumulator)) return null;
    if (descendants(statement, new Set(['return_statement'])).some((inner) => ownReturn(inner, callback))) {
      return null;
    }
  }
  return namedChildren(last)[0] ?? null;
}

function ownReturn(returnStatement: Node, callback: Node): boolean {
  let parent = returnStatement.parent;
  while (parent && !isFunctionNode(parent)) parent = parent.parent;
  return sameNode(parent, callback);
}

function mentions(node: Node, name: string): boolean {
  return descendants(node, new Set(['identifier', 'shorthand_property_identifier'])).some(
    (id) => id.text === name,
  );
}

/**
 * Mutating in place changes what later entries see of the accumulator, so: with several object keys the entries
 * must not mention it at all; otherwise only as direct `acc.k` / `acc[k]` reads (all evaluated before the single
 * write).
 */
export function readsAccumulatorSafely(entries: Node[], accumulator: string, isObject: boolean): boolean {
  const uses = entries.flatMap((entry) =>
    descendants(entry, new Set(['identifier', 'shorthand_property_identifier'])).filter(
      (id) => id.text === accumulator,
    ),
  );
  if (uses.length === 0) return true;
  if (isObject && entries.length > 1) return false;
  return uses.every((use) => {
    // A closure would see the final accumulator instead of this step's snapshot.
    if (insideFunction(use, entries)) return false;
    const access = use.parent;
    if (access?.type !== 'member_expression' && access?.type !== 'subscript_expression') return false;
    if (!isField(access, 'object', use)) return false;
    const holder = access.parent;
    if (!holder) return false;
    if (holder.type === 'call_expression' && isField(holder, 'function', access)) return false;
    if (holder.type === 'update_expression') return false;
    if (holder.type === 'unary_expression' && holder.child(0)?.type === 'delete') return false;
    return !(
      (holder.type === 'assignment_expression' || holder.type === 'augmented_assignment_expression') &&
      isField(holder, 'left', access)
    );
  });
}

function insideFunction(node: Node, entries: Node[]): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (isFunctionNode(parent)) return true;
    if (entries.some((entry) => sameNode(entry, parent))) return false;
  }
  return false;
}

/** A variable or a property path: reading it twice gives the same key (getters aside). */
const simpleOperand = /^[\p{ID_Start}$_][\p{ID_Continue}$]*(\.[\p{ID_Start}$_][\p{ID_Continue}$]*)*$/u;

/**
 * The assignments for the entries, and for computed keys the condition under which the original literal must be
 * kept: `acc[k] = v` sets the prototype when k is "__proto__" (or an object whose string is), where the
 * literal defines an own key. That rare step keeps the copy; the copy is fresh, so later steps may mutate it.
 */
export function planAssignments(
  entries: Node[],
  accumulator: string,
  /** What an assignment by key writes through (a cast of the accumulator in TypeScript; see rewriteReduce). */
  indexed = accumulator,
): { assignments: string[]; guard?: string } | null {
  const assignments: string[] = [];
  const guards: string[] = [];
  for (const entry of entries) {
    const assignment = assignmentFor(entry, accumulator, indexed);
    if (!assignment) return null;
    assignments.push(assignment.text);
    if (assignment.computedKey) {
      const key = assignment.computedKey;
      guards.push(`${key} === '__proto__' || typeof ${key} === 'object' || typeof ${key} === 'function'`);
    }
  }
  return guards.length > 0 ? { assignments, guard: guards.join(' || ') } : { assignments };
}

/**
 * `k: v` → `acc.k = v;`, `'k': v` / `1: v` → `acc[…] = v;`, `k` → `acc.k = k;`, `[e]: v` → `acc[e] = v;` with
 * `e` (a variable or property path, since the guard reads it again) as `computedKey`.
 */
function assignmentFor(
  entry: Node,
  accumulator: string,
  indexed: string,
): { text: string; computedKey?: string } | null {
  const text = literalKeyAssignment(entry, accumulator, indexed);
  if (text) return { text };
  const key = entry.type === 'pair' ? entry.childForFieldName('key') : null;
  const value = entry.childForFieldName('value');
  const expression = key?.type === 'computed_property_name' ? namedChildren(key)[0] : undefined;
  if (!expression || !value || !simpleOperand.test(expression.text)) return null;
  return { text: `${indexed}[${expression.text}] = ${value.text};`, computedKey: expression.text };
}

function literalKeyAssignment(entry: Node, accumulator: string, indexed: string): string | null {
  if (entry.type === 'shorthand_property_identifier') {
    return entry.text === '__proto__' ? null : `${accumulator}.${entry.text} = ${entry.text};`;
  }
  if (entry.type !== 'pair') return null;
  const key = entry.childForFieldName('key');
  const value = entry.childForFieldName('value');
  if (!key || !value || key.text.includes('__proto__')) return null;
  switch (key.type) {
    case 'property_identifier':
      return `${accumulator}.${key.text} = ${value.text};`;
    case 'string':
    case 'number':
      return `${indexed}[${key.text}] = ${value.text};`;
    default:
      return null;
  }
}

/** `[...acc, , x]` has a hole, which push would not reproduce. */
export function hasHoles(array: Node): boolean {
  let previous = '';
  for (const child of array.children) {
    if (!child || child.type === 'comment') continue;
    if (child.type === ',' && (previous === ',' || previous === '[')) return true;
    previous = child.type;
  }
  return false;
}

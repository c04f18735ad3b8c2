import type { Node } from 'web-tree-sitter';
import type { RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import { contains, descendants, isField, namedChildren, sameNode } from '../../../providers/rules/syntax.js';

const comprehensionTypes = new Set([
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);
const parameterHolders = new Set([
  'parameters',
  'lambda_parameters',
  'typed_parameter',
  'default_parameter',
  'typed_default_parameter',
  'list_splat_pattern',
  'dictionary_splat_pattern',
]);
/** Built-ins that only read the iterable they are given. */
const readingBuiltins = new Set([
  'len',
  'sorted',
  'min',
  'max',
  'sum',
  'any',
  'all',
  'list',
  'tuple',
  'set',
  'frozenset',
  'enumerate',
  'bool',
  'str',
  'repr',
]);
const readingMethods = new Set(['index', 'count', 'copy']);

export type PythonNameUse = 'declaration' | 'parameter' | 'read' | 'unsafe';

export interface PythonOccurrence {
  node: Node;
  use: PythonNameUse;
}

/** The function being rewritten: the snippet's outermost `def`. */
export function functionBody(fn: Node): Node | null {
  const body = fn.childForFieldName('body');
  return body?.type === 'block' ? body : null;
}

/** Every occurrence of `name` as a variable in root (not attribute names or keyword-argument names). */
export function pythonOccurrences(root: Node, name: string): PythonOccurrence[] {
  return descendants(root, new Set(['identifier']))
    .filter((node) => node.text === name && !isAttributeName(node) && !isKeywordName(node))
    .map((node) => ({ node, use: classify(node) }));
}

function isAttributeName(node: Node): boolean {
  const parent = node.parent;
  return parent?.type === 'attribute' && isField(parent, 'attribute', node);
}

function isKeywordName(node: Node): boolean {
  const parent = node.parent;
  return parent?.type === 'keyword_argument' && isField(parent, 'name', node);
}

/**
 * `read` only for uses that neither change the value nor hand it to code that could: membership tests,
 * iteration, element reads, `len()` and other reading built-ins, `.index`/`.count`/`.copy`, truth tests.
 */
function classify(node: Node): PythonNameUse {
  const parent = node.parent;
  if (!parent) return 'unsafe';
  if (parameterHolders.has(parent.type)) {
    if (parent.type === 'default_parameter' || parent.type === 'typed_default_parameter')
      return isField(parent, 'name', node) ? 'parameter' : 'read';
    return 'parameter';
  }
  switch (parent.type) {
    case 'assignment':
      if (isField(parent, 'left', node)) return 'declaration';
      return 'unsafe';
    case 'comparison_operator':
      return 'read';
    case 'for_statement':
    case 'for_in_clause':
      return isField(parent, 'right', node) ? 'read' : 'unsafe';
    case 'subscript':
      return isField(parent, 'value', node) && !isWritten(parent) ? 'read' : 'unsafe';
    case 'not_operator':
      return 'read';
    case 'if_statement':
    case 'while_statement':
    case 'elif_clause':
    case 'conditional_expression':
      return isField(parent, 'condition', node) || parent.type === 'conditional_expression'
        ? 'read'
        : 'unsafe';
    case 'boolean_operator':
      return isTruthTest(parent) ? 'read' : 'unsafe';
    case 'argument_list': {
      const call = parent.parent;
      const callee = call?.childForFieldName('function');
      return callee?.type === 'identifier' &&
        readingBuiltins.has(callee.text) &&
        namedChildren(parent).length === 1
        ? 'read'
        : 'unsafe';
    }
    case 'attribute': {
      const call = parent.parent;
      const method = parent.childForFieldName('attribute')?.text ?? '';
      return call?.type === 'call' && isField(call, 'function', parent) && readingMethods.has(method)
        ? 'read'
        : 'unsafe';
    }
    default:
      return 'unsafe';
  }
}

/** A subscript that is assigned, augmented or deleted. */
function isWritten(subscript: Node): boolean {
  const holder = subscript.parent;
  if (!holder) return false;
  if (
    (holder.type === 'assignment' || holder.type === 'augmented_assignment') &&
    isField(holder, 'left', subscript)
  )
    return true;
  return (
    holder.type === 'delete_statement' || holder.type === 'pattern_list' || holder.type === 'tuple_pattern'
  );
}

/** `a and b` / `a or b` whose value is only tested for truth (if/while condition, `not`). */
function isTruthTest(operator: Node): boolean {
  let node = operator;
  while (node.parent?.type === 'boolean_operator' || node.parent?.type === 'parenthesized_expression')
    node = node.parent;
  const holder = node.parent;
  if (!holder) return false;
  if (holder.type === 'not_operator') return true;
  return (
    ['if_statement', 'while_statement', 'elif_clause', 'if_clause'].includes(holder.type) &&
    (holder.type === 'if_clause' || isField(holder, 'condition', node))
  );
}

/**
 * Inside a loop body or a comprehension's repeated part, without crossing a nested `def` or `lambda` (which may
 * run later, after the value changed).
 */
export function isRepeatedIn(node: Node, fn: Node): boolean {
  let repeated = false;
  let child = node;
  for (let parent = node.parent; parent && !sameNode(parent, fn); parent = parent.parent) {
    if (
      parent.type === 'function_definition' ||
      parent.type === 'lambda' ||
      parent.type === 'class_definition'
    )
      return false;
    if (parent.type === 'for_statement') repeated ||= isField(parent, 'body', child);
    else if (parent.type === 'while_statement') repeated ||= !isField(parent, 'alternative', child);
    else if (comprehensionTypes.has(parent.type)) repeated ||= !inFirstIterable(parent, node);
    child = parent;
  }
  return repeated;
}

/** The first `for … in <iterable>` of a comprehension is evaluated once, before the loop. */
function inFirstIterable(comprehension: Node, node: Node): boolean {
  const first = namedChildren(comprehension).find((part) => part.type === 'for_in_clause');
  const right = first?.childForFieldName('right');
  return right != null && contains(right, node);
}

export function topStatementOf(block: Node, node: Node): Node | null {
  return namedChildren(block).find((statement) => contains(statement, node)) ?? null;
}

export function unusedName(source: string, base: string): string {
  const used = new Set(source.match(/[\p{ID_Continue}]+/gu));
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}${n}`;
  return name;
}

/** A new statement on its own line before `statement` (which must start its line), at its indentation. */
export function insertLineBefore(snippet: FunctionSnippet, statement: Node, text: string): RuleEdit | null {
  if (!snippet.startsLine(statement)) return null;
  const at = snippet.start(statement);
  return { start: at, end: at, text: `${text}${snippet.eol}${snippet.indentAt(at)}` };
}

/** A new statement on its own line after `statement`, at its indentation (after any comment ending the line). */
export function insertLineAfter(snippet: FunctionSnippet, statement: Node, text: string): RuleEdit | null {
  if (!snippet.startsLine(statement)) return null;
  const { source, eol } = snippet;
  const lineEnd = source.indexOf('\n', snippet.end(statement) - 1);
  const at = lineEnd === -1 ? source.length : source[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
  const indent = snippet.indentAt(snippet.start(statement));
  return { start: at, end: at, text: `${eol}${indent}${text}` };
}

/** The single `name = <value>` declaration statement (an expression statement) of a local, or null. */
export function singleAssignment(occurrences: PythonOccurrence[]): { statement: Node; value: Node } | null {
  const declarations = occurrences.filter(({ use }) => use === 'declaration' || use === 'parameter');
  const declared = declarations[0]?.node;
  if (declarations.length !== 1 || declarations[0]?.use !== 'declaration' || !declared) return null;
  const assignment = declared.parent;
  const value = assignment?.childForFieldName('right');
  const statement = assignment?.parent;
  if (!value || statement?.type !== 'expression_statement' || assignment?.childForFieldName('type'))
    return null;
  return { statement, value };
}

/** The innermost function or lambda around node. */
export function enclosingFunction(node: Node): Node | null {
  let parent = node.parent;
  while (parent && parent.type !== 'function_definition' && parent.type !== 'lambda') parent = parent.parent;
  return parent;
}

/** The comparison's operator token when it is a plain two-operand `in` / `not in`. */
export function membershipOperator(comparison: Node): 'in' | 'not in' | null {
  if (comparison.type !== 'comparison_operator' || namedChildren(comparison).length !== 2) return null;
  const operators = comparison.children.filter((child) => child !== null && !child.isNamed);
  const operator = operators.length === 1 ? operators[0]?.type : undefined;
  return operator === 'in' || operator === 'not in' ? operator : null;
}

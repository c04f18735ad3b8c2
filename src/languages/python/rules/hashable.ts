import type { Node } from 'web-tree-sitter';
import { descendants, isField, namedChildren } from '../../../providers/rules/syntax.js';
import { pythonOccurrences } from './syntax.js';

// A set raises TypeError on an unhashable value where a list compares it with `==`, so set rewrites need values
// that are hashable whatever the inputs: literals, results of these builtins, and names bound only to them.

/** Builtins whose result is a str, int, float or bool, whatever they are given. */
const hashableBuiltins = new Set([
  'str',
  'repr',
  'ascii',
  'format',
  'chr',
  'hex',
  'oct',
  'bin',
  'int',
  'float',
  'bool',
  'len',
  'ord',
  'hash',
  'id',
]);
const strBuiltins = new Set(['str', 'repr', 'ascii', 'format', 'chr', 'hex', 'oct', 'bin']);
const strMethods = new Set([
  'lower',
  'upper',
  'casefold',
  'strip',
  'lstrip',
  'rstrip',
  'title',
  'capitalize',
  'swapcase',
  'replace',
  'removeprefix',
  'removesuffix',
  'zfill',
  'center',
  'ljust',
  'rjust',
  'format',
  'join',
  'expandtabs',
]);
const strSplitters = new Set(['split', 'rsplit', 'splitlines']);
/** Builtins that keep the elements of the one iterable they are given. */
const elementKeepers = new Set(['list', 'tuple', 'sorted', 'reversed', 'set', 'frozenset']);
const literalTypes = new Set(['integer', 'float', 'true', 'false', 'none']);
/** Parents that bind a name in a way we do not follow (unpacking, walrus, `with … as`, `global`, imports…). */
const otherBindings = new Set([
  'augmented_assignment',
  'named_expression',
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'as_pattern_target',
  'global_statement',
  'nonlocal_statement',
  'dotted_name',
  'aliased_import',
  'list_splat_pattern',
  'dictionary_splat_pattern',
]);
const maxDepth = 6;

/** `node` evaluates to a hashable value on every input (or raises in the original too). */
export function isHashable(node: Node, fn: Node, depth = 0): boolean {
  if (depth > maxDepth) return false;
  switch (node.type) {
    case 'parenthesized_expression': {
      const inner = namedChildren(node);
      return inner.length === 1 && isHashable(inner[0] as Node, fn, depth + 1);
    }
    case 'tuple':
      return namedChildren(node).every((part) => isHashable(part, fn, depth + 1));
    case 'unary_operator':
      return namedChildren(node).every((part) => literalTypes.has(part.type));
    case 'identifier': {
      const binding = soleBinding(node.text, fn);
      if (!binding) return false;
      return binding.kind === 'assigned'
        ? isHashable(binding.value, fn, depth + 1)
        : yieldsHashables(binding.value, fn, depth + 1);
    }
    case 'call':
      return isStr(node, fn) || calleeBuiltin(node, fn, hashableBuiltins) !== null;
    default:
      return literalTypes.has(node.type) || isStr(node, fn);
  }
}

/** Iterating `node` yields only hashable values. */
export function yieldsHashables(node: Node, fn: Node, depth = 0): boolean {
  if (depth > maxDepth) return false;
  switch (node.type) {
    case 'list':
    case 'tuple':
    case 'set':
      return namedChildren(node).every((part) => isHashable(part, fn, depth + 1));
    case 'list_comprehension':
    case 'set_comprehension':
    case 'generator_expression': {
      const body = node.childForFieldName('body');
      return body !== null && isHashable(body, fn, depth + 1);
    }
    case 'identifier': {
      const binding = soleBinding(node.text, fn);
      if (binding?.kind !== 'assigned') return false;
      // A list may still gain other elements later (`append`, `+=`): every other use must only read it.
      const uses = pythonOccurrences(fn, node.text).filter(({ use }) => use !== 'declaration');
      return uses.every(({ use }) => use === 'read') && yieldsHashables(binding.value, fn, depth + 1);
    }
    case 'call':
      return callYieldsHashables(node, fn, depth);
    default:
      return isStr(node, fn);
  }
}

function callYieldsHashables(call: Node, fn: Node, depth: number): boolean {
  if (calleeBuiltin(call, fn, new Set(['range'])) !== null) return true;
  const args = call.childForFieldName('arguments');
  const positional = args ? namedChildren(args).filter((arg) => arg.type !== 'keyword_argument') : [];
  if (calleeBuiltin(call, fn, new Set(['map'])) !== null) {
    const mapper = positional[0];
    return mapper?.type === 'identifier' && calleeName(mapper, fn, hashableBuiltins);
  }
  if (calleeBuiltin(call, fn, elementKeepers) !== null) {
    return positional.length === 1 && yieldsHashables(positional[0] as Node, fn, depth + 1);
  }
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'attribute') return false;
  const method = callee.childForFieldName('attribute')?.text ?? '';
  const object = callee.childForFieldName('object');
  return object !== null && strSplitters.has(method) && isStr(object, fn);
}

/** `node` is a str on every input: a string literal, `str(…)`, or a str method called on a str. */
function isStr(node: Node, fn: Node): boolean {
  if (node.type === 'string' || node.type === 'concatenated_string') return true;
  if (node.type === 'parenthesized_expression') {
    const inner = namedChildren(node);
    return inner.length === 1 && isStr(inner[0] as Node, fn);
  }
  if (node.type !== 'call') return false;
  if (calleeBuiltin(node, fn, strBuiltins) !== null) return true;
  const callee = node.childForFieldName('function');
  if (callee?.type !== 'attribute') return false;
  const object = callee.childForFieldName('object');
  return (
    strMethods.has(callee.childForFieldName('attribute')?.text ?? '') && object !== null && isStr(object, fn)
  );
}

function calleeBuiltin(call: Node, fn: Node, names: ReadonlySet<string>): string | null {
  const callee = call.childForFieldName('function');
  return callee?.type === 'identifier' && calleeName(callee, fn, names) ? callee.text : null;
}

/** One of `names`, and not rebound in the function. */
function calleeName(name: Node, fn: Node, names: ReadonlySet<string>): boolean {
  return (
    names.has(name.text) &&
    !pythonOccurrences(fn, name.text).some(({ use }) => use === 'declaration' || use === 'parameter')
  );
}

type Binding = { kind: 'assigned'; value: Node } | { kind: 'loop'; value: Node };

/** The one place `name` is bound in the function: `name = value` or `for name in value`; null otherwise. */
function soleBinding(name: string, fn: Node): Binding | null {
  const occurrences = pythonOccurrences(fn, name);
  if (occurrences.some(({ use }) => use === 'parameter')) return null;
  const bindings: Binding[] = [];
  for (const node of descendants(fn, new Set(['identifier']))) {
    if (node.text !== name) continue;
    const parent = node.parent;
    if (!parent) continue;
    if (otherBindings.has(parent.type)) return null;
    if (
      (parent.type === 'for_statement' || parent.type === 'for_in_clause') &&
      isField(parent, 'left', node)
    ) {
      const value = parent.childForFieldName('right');
      if (!value) return null;
      bindings.push({ kind: 'loop', value });
    } else if (parent.type === 'assignment' && isField(parent, 'left', node)) {
      const value = parent.childForFieldName('right');
      if (!value || parent.childForFieldName('type')) return null;
      bindings.push({ kind: 'assigned', value });
    }
  }
  return bindings.length === 1 ? (bindings[0] as Binding) : null;
}

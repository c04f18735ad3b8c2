import type { Node } from 'web-tree-sitter';
import {
  asMemberCall,
  descendants,
  isField,
  isFunctionNode,
  namedChildren,
} from '../../../providers/rules/syntax.js';

/** Methods that change an array in place, or hand out the array itself (`valueOf`). */
const mutatingMethods = new Set([
  'valueOf',
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
]);

const patternTypes = new Set([
  'object_pattern',
  'array_pattern',
  'pair_pattern',
  'assignment_pattern',
  'rest_pattern',
  'shorthand_property_identifier_pattern',
]);

const nameTypes = new Set([
  'identifier',
  'shorthand_property_identifier',
  'shorthand_property_identifier_pattern',
]);

/** How one occurrence of a name uses it. */
export type NameUse = 'declaration' | 'read' | 'unsafe';

export interface NameOccurrence {
  node: Node;
  use: NameUse;
}

/** Every occurrence of `name` as a variable (not as a property name) inside root. */
export function occurrencesOf(root: Node, name: string): NameOccurrence[] {
  return descendants(root, nameTypes)
    .filter((node) => node.text === name)
    .map((node) => ({ node, use: classify(node) }));
}

/**
 * `read` only for uses that can neither change the value's contents or binding nor hand it to code that could:
 * reads of its elements or non-mutating members, iteration, spreading, comparisons. Passing it to a call, storing
 * it elsewhere or returning it counts as `unsafe`, because an alias could be mutated where we cannot see it.
 */
function classify(node: Node): NameUse {
  const parent = node.parent;
  if (!parent) return 'unsafe';
  if (isDeclaration(node)) return 'declaration';
  if (node.type !== 'identifier') return 'unsafe';
  switch (parent.type) {
    case 'member_expression':
    case 'subscript_expression':
      if (!isField(parent, 'object', node)) return 'read';
      return accessMayMutate(parent) ? 'unsafe' : 'read';
    case 'for_in_statement':
      return isField(parent, 'right', node) ? 'read' : 'unsafe';
    case 'spread_element':
    case 'binary_expression':
      return 'read';
    case 'unary_expression':
      return parent.child(0)?.type === 'delete' ? 'unsafe' : 'read';
    case 'ternary_expression':
      return isField(parent, 'condition', node) ? 'read' : 'unsafe';
    case 'parenthesized_expression': {
      const holder = parent.parent?.type;
      return holder === 'if_statement' || holder === 'while_statement' || holder === 'do_statement'
        ? 'read'
        : 'unsafe';
    }
    default:
      return 'unsafe';
  }
}

/** `x.push(…)`, `x[i] = …`, `x.length = …`, `x.k++`, `delete x[i]`. */
function accessMayMutate(access: Node): boolean {
  const holder = access.parent;
  if (!holder) return true;
  if (holder.type === 'call_expression' && isField(holder, 'function', access)) {
    const call = asMemberCall(holder);
    return call === null || mutatingMethods.has(call.method) || call.args.some(receivesArray);
  }
  if (holder.type === 'assignment_expression' || holder.type === 'augmented_assignment_expression') {
    return isField(holder, 'left', access);
  }
  if (holder.type === 'update_expression') return true;
  if (holder.type === 'unary_expression') return holder.child(0)?.type === 'delete';
  return false;
}

/** `x.forEach((v, i, array) => …)`: the third parameter aliases x. */
function receivesArray(argument: Node): boolean {
  if (!isFunctionNode(argument)) return false;
  const parameters = argument.childForFieldName('parameters');
  return parameters !== null && namedChildren(parameters).length >= 3;
}

function isDeclaration(node: Node): boolean {
  // `{ x }` in an object literal stores x elsewhere: not a declaration (and unsafe as a use).
  if (node.type === 'shorthand_property_identifier') return false;
  let child = node;
  let parent = node.parent;
  while (parent && patternTypes.has(parent.type)) {
    // In `{ k: x }` and `x = default`, only the value side / left side is the bound name.
    if (parent.type === 'pair_pattern' && !isField(parent, 'value', child)) return false;
    if (parent.type === 'assignment_pattern' && !isField(parent, 'left', child)) return false;
    child = parent;
    parent = parent.parent;
  }
  if (!parent) return false;
  switch (parent.type) {
    case 'variable_declarator':
      return isField(parent, 'name', child);
    case 'formal_parameters':
      return true;
    // TypeScript: `(a: T[], b?: U)`.
    case 'required_parameter':
    case 'optional_parameter':
      return isField(parent, 'pattern', child);
    case 'arrow_function':
      return isField(parent, 'parameter', child);
    case 'catch_clause':
      return isField(parent, 'parameter', child);
    case 'for_in_statement':
      return isField(parent, 'left', child) && parent.childForFieldName('kind') !== null;
    case 'class_declaration':
    case 'class':
      return isField(parent, 'name', child);
    default:
      return isFunctionNode(parent) && isField(parent, 'name', child);
  }
}

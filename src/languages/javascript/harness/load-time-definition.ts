import type { Node } from 'web-tree-sitter';
import {
  ecmascriptFunctionTypes,
  functionDeclarationTypes,
  functionValueTypes,
} from '../../../detect/languages/syntax-tree.js';

/**
 * Whether a function runs while the module loads: an IIFE (`(function () {…})()`, underscore's
 * `(function () {…}.call(this))`, `(() => {…})()`) or the factory a UMD wrapper is immediately called with
 * (`(function (root, factory) {…})(this, function () {…})`).
 */
export function runsAtLoad(fn: Node): boolean {
  let up = fn.parent;
  let callee: Node = fn;
  while (up?.type === 'parenthesized_expression') {
    callee = up;
    up = up.parent;
  }
  if (up?.type === 'call_expression' && up.childForFieldName('function')?.id === callee.id) return true;
  if (up?.type === 'member_expression' && up.childForFieldName('object')?.id === callee.id) {
    const method = up.childForFieldName('property')?.text;
    const call = up.parent;
    return (
      (method === 'call' || method === 'apply') &&
      call?.type === 'call_expression' &&
      call.childForFieldName('function')?.id === up.id
    );
  }
  if (up?.type === 'arguments' && up.parent?.type === 'call_expression') {
    let wrapper = up.parent.childForFieldName('function');
    while (wrapper?.type === 'parenthesized_expression') wrapper = wrapper.namedChildren[0] ?? null;
    return !!wrapper && functionValueTypes.has(wrapper.type) && runsAtLoad(wrapper);
  }
  return false;
}

/** The innermost function around `node` that does not run while the module loads, if there is one. */
export function enclosingLaterFunction(node: Node): Node | undefined {
  for (let up = node.parent; up; up = up.parent) {
    if (ecmascriptFunctionTypes.has(up.type) && !runsAtLoad(up)) return up;
  }
  return undefined;
}

function definesName(fn: Node, name: string): boolean {
  if (functionDeclarationTypes.has(fn.type)) return fn.childForFieldName('name')?.text === name;
  if (!functionValueTypes.has(fn.type)) return false;
  const parent = fn.parent;
  if (parent?.type === 'variable_declarator') return parent.childForFieldName('name')?.text === name;
  if (parent?.type === 'assignment_expression') {
    const left = parent.childForFieldName('left')?.text ?? '';
    return left === name || left.endsWith(`.${name}`) || left.endsWith(`['${name}']`);
  }
  return false;
}

/** The function defined as `name` that starts on `row`, at any depth: a declaration, or a bound function value. */
export function definitionOnRow(root: Node, row: number, name: string): Node | undefined {
  const visit = (node: Node): Node | undefined => {
    if (node.startPosition.row > row || node.endPosition.row < row) return undefined;
    if (node.startPosition.row === row && definesName(node, name)) return node;
    for (const child of node.namedChildren) {
      const found = child && visit(child);
      if (found) return found;
    }
    return undefined;
  };
  return visit(root);
}

/** Whether a non-arrow function reads its own `this` (a replayed call has none). */
export function readsOwnThis(fn: Node): boolean {
  if (fn.type === 'arrow_function') return false;
  const visit = (node: Node): boolean => {
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'this') return true;
      const ownScope = ecmascriptFunctionTypes.has(child.type) && child.type !== 'arrow_function';
      if (!ownScope && child.type !== 'class_body' && visit(child)) return true;
    }
    return false;
  };
  return visit(fn);
}

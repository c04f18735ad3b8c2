import type { Node } from 'web-tree-sitter';
import { ecmascriptFunctionTypes, pythonFunctionTypes } from '../../detect/languages/syntax-tree.js';

export function isFunctionNode(node: Node): boolean {
  return ecmascriptFunctionTypes.has(node.type) || pythonFunctionTypes.has(node.type);
}

export function sameNode(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return a != null && b != null && a.id === b.id;
}

export function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** Named children without comments (tree-sitter reports comments as named "extra" nodes). */
export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
}

export function hasComment(node: Node): boolean {
  return node.namedChildren.some((child) => child?.type === 'comment');
}

/** Every named descendant of root (root included), in source order. */
export function descendants(root: Node, types?: ReadonlySet<string>): Node[] {
  const found: Node[] = [];
  const visit = (node: Node): void => {
    if (node.isNamed && (!types || types.has(node.type))) found.push(node);
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return found;
}

export function isField(parent: Node, field: string, child: Node): boolean {
  return sameNode(parent.childForFieldName(field), child);
}

/** `(expr)` → expr, repeatedly. */
export function unwrapParens(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    const inner = namedChildren(current);
    if (inner.length !== 1 || !inner[0]) return current;
    current = inner[0];
  }
  return current;
}

export interface MemberCall {
  call: Node;
  member: Node;
  receiver: Node;
  method: string;
  argumentList: Node;
  args: Node[];
}

/** `receiver.method(args)` without optional chaining, or null. */
export function asMemberCall(call: Node): MemberCall | null {
  if (call.type !== 'call_expression' || call.childForFieldName('optional_chain')) return null;
  const member = call.childForFieldName('function');
  const argumentList = call.childForFieldName('arguments');
  if (member?.type !== 'member_expression' || argumentList?.type !== 'arguments') return null;
  if (member.childForFieldName('optional_chain')) return null;
  const receiver = member.childForFieldName('object');
  const property = member.childForFieldName('property');
  if (!receiver || property?.type !== 'property_identifier') return null;
  return { call, member, receiver, method: property.text, argumentList, args: namedChildren(argumentList) };
}

/** Array methods that call their callback once per element (or per comparison), synchronously. */
const iteratingMethods = new Set([
  'filter',
  'map',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'forEach',
  'reduce',
  'reduceRight',
  'flatMap',
  'sort',
  'toSorted',
]);

/** A function passed directly as the first argument of `something.filter(…)`, `.map(…)`, … */
export function isIteratingCallback(fn: Node): boolean {
  const call = fn.parent?.parent;
  const memberCall = call ? asMemberCall(call) : null;
  return memberCall !== null && iteratingMethods.has(memberCall.method) && sameNode(memberCall.args[0], fn);
}

/** The anonymous `=>` token of an arrow function. */
export function arrowToken(arrow: Node): Node | null {
  return arrow.children.find((child) => child?.type === '=>') ?? null;
}

export function isAsyncOrGenerator(fn: Node): boolean {
  return fn.children.some((child) => child?.type === 'async' || child?.type === '*');
}

/** Source text for a near-miss note: on one line, cut to 40 characters. */
export function clipped(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

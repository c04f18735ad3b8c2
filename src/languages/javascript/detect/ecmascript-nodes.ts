import type { Node } from 'web-tree-sitter';

/**
 * Where a replacement starts: TypeScript's grammar puts a member's decorators before it as siblings in the class
 * body (JavaScript's puts them inside). Decorators are part of the range either way, so a candidate sees them and
 * keeps or drops them knowingly, and the suggestion never leaves a decorator attached to the wrong member.
 */
export function rangeStart(statement: Node): Node {
  let start = statement;
  let previous = statement.previousNamedSibling;
  while (previous?.type === 'decorator') {
    start = previous;
    previous = previous.previousNamedSibling;
  }
  return start;
}

export function propertyName(key: Node): string {
  if (key.type === 'string') return key.text.slice(1, -1);
  return key.text;
}

export function hasChild(node: Node, type: string): boolean {
  for (let i = 0; i < node.childCount; i++) if (node.child(i)?.type === type) return true;
  return false;
}

export function isTopLevel(node: Node): boolean {
  const parent = node.parent;
  if (parent?.type === 'export_statement') return parent.parent?.type === 'program';
  return parent?.type === 'program';
}

export function topLevelAncestor(node: Node): Node {
  let current = node;
  while (current.parent && current.parent.type !== 'program') current = current.parent;
  return current;
}

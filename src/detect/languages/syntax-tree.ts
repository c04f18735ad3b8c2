import type { Node } from 'web-tree-sitter';

/** Named children without the nulls web-tree-sitter's typings allow. */
export function namedChildrenOf(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

/** 1-based line of the first ERROR or MISSING node, in source order. */
export function firstSyntaxErrorLine(root: Node): number {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) break;
    if (node.isError || node.isMissing) return node.startPosition.row + 1;
    // Walk children in reverse so the earliest one is popped first; only subtrees with errors are entered.
    const children = node.children.filter(
      (child): child is Node => child !== null && (child.hasError || child.isMissing),
    );
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push(child);
    }
  }
  return root.startPosition.row + 1;
}

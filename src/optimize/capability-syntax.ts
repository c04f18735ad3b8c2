import type { Node } from 'web-tree-sitter';

/** Named children without comments (tree-sitter reports comments as named "extra" nodes); none for no node. */
export const named = (node: Node | null): Node[] =>
  node ? node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [];

/** `compute`, run once per syntax node; kept by the node's tree and id (one node can come as several Node objects). */
export function perNode<T>(compute: (node: Node) => T): (node: Node) => T {
  const cache = new WeakMap<object, Map<number, T>>();
  return (node) => {
    let byTree = cache.get(node.tree);
    if (!byTree) {
      byTree = new Map();
      cache.set(node.tree, byTree);
    }
    let value = byTree.get(node.id);
    if (value === undefined) {
      value = compute(node);
      byTree.set(node.id, value);
    }
    return value;
  };
}

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

/** Literal node types whose whole text is one token: whitespace inside them is content, not layout. */
const literalTypes = /string|template|regex|jsx_text/;

/**
 * The code of `node` as a token stream with its tree structure, leaving out whitespace and the nodes `ignore`
 * accepts (comments, docstrings) or replaces by a placeholder string (nested functions). Two texts with equal streams differ only in layout and
 * comments. The structure is kept because layout can carry meaning: Python's indentation decides which block a
 * statement belongs to, and a JavaScript line break after `return` ends the statement.
 */
export function structuralTokens(node: Node, ignore: (node: Node) => boolean | string): string {
  const out: string[] = [];
  const walk = (current: Node) => {
    const ignored = ignore(current);
    if (typeof ignored === 'string') out.push(ignored);
    if (ignored !== false) return;
    if (current.childCount === 0 || literalTypes.test(current.type)) {
      out.push(current.text);
      return;
    }
    out.push(`(${current.type}`);
    // Text a grammar leaves between children (rare) still counts, minus surrounding layout.
    const text = current.text;
    let covered = current.startIndex;
    for (const child of current.children) {
      if (!child) continue;
      const gap = text.slice(covered - current.startIndex, child.startIndex - current.startIndex).trim();
      if (gap) out.push(gap);
      walk(child);
      covered = child.endIndex;
    }
    out.push(')');
  };
  walk(node);
  return out.join('\u0000');
}

/**
 * Why replacing the whole lines of [start, end) would not be a clean edit: other code shares the first or last
 * line. `trailingAllowed` matches what may follow on the last line (punctuation, a comment).
 */
export function sharedLinesReason(
  text: string,
  start: number,
  end: number,
  trailingAllowed: RegExp,
): string | undefined {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end);
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd === -1 ? undefined : lineEnd);
  if (before.trim() === '' && trailingAllowed.test(after)) return undefined;
  return 'shares its first or last line with other code';
}

import type { Node } from 'web-tree-sitter';

/** Function values in the ECMAScript grammars (`function` is the older grammars' name of a function expression). */
export const functionValueTypes: ReadonlySet<string> = new Set([
  'function_expression',
  'function',
  'generator_function',
  'arrow_function',
]);

export const functionDeclarationTypes: ReadonlySet<string> = new Set([
  'function_declaration',
  'generator_function_declaration',
]);

/** Every ECMAScript node that opens a function scope of its own: declarations, values and methods. */
export const ecmascriptFunctionTypes: ReadonlySet<string> = new Set([
  ...functionDeclarationTypes,
  ...functionValueTypes,
  'method_definition',
]);

/** Python's nodes that open a function scope. */
export const pythonFunctionTypes: ReadonlySet<string> = new Set(['function_definition', 'lambda']);

/** Named children without the nulls web-tree-sitter's typings allow. */
export function namedChildrenOf(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

/**
 * Ids of the nodes of the given types and of all their ancestors: a finder descends only into these, instead of
 * creating a Node object for every node of the file (the largest cost of detection on big changes).
 */
export function pathsTo(root: Node, types: string[]): Set<number> {
  const ids = new Set<number>([root.id]);
  for (const found of root.descendantsOfType(types)) {
    let node: Node | null = found;
    while (node && !ids.has(node.id)) {
      ids.add(node.id);
      node = node.parent;
    }
  }
  return ids;
}

/** Start offsets of comment nodes in source order, to tell quickly whether a range holds any. */
export class CommentIndex {
  private readonly starts: number[];

  constructor(root: Node, types: string[]) {
    this.starts = root.descendantsOfType(types).flatMap((node) => (node ? [node.startIndex] : []));
  }

  anyWithin(start: number, end: number): boolean {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.starts[middle] ?? end) < start) low = middle + 1;
      else high = middle;
    }
    return (this.starts[low] ?? end) < end;
  }
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

export interface TokenOptions {
  /** The file's text, which node offsets index. */
  text: string;
  /** Node types left out entirely (comments). */
  ignoredTypes: ReadonlySet<string>;
  /** Nodes replaced by a placeholder (nested functions) or left out (`''`: a docstring), by node id. */
  replaced: ReadonlyMap<number, string>;
}

/**
 * The code of `node` as a token stream with its tree structure, leaving out whitespace, the ignored node types
 * and replaced nodes. Two texts with equal streams differ only in layout and comments. The structure is kept
 * because layout can carry meaning: Python's indentation decides which block a statement belongs to, and a
 * JavaScript line break after `return` ends the statement. Walks with a cursor: creating a Node object per
 * visited node costs several times more, and every changed function is walked on both sides of the diff.
 */
export function structuralTokens(node: Node, options: TokenOptions): string {
  const { text, ignoredTypes, replaced } = options;
  const out: string[] = [];
  const cursor = node.walk();
  try {
    // Iterative pre-order walk; `ends` holds, per open node, its end offset (to emit text after its last child).
    const ends: number[] = [];
    let covered = cursor.startIndex;
    const visit = (): boolean => {
      const type = cursor.nodeType;
      const start = cursor.startIndex;
      const gap = text.slice(covered, start).trim();
      if (gap && ends.length > 0) out.push(gap);
      covered = cursor.endIndex;
      const placeholder = ends.length > 0 ? replaced.get(cursor.nodeId) : undefined;
      if (placeholder !== undefined) {
        if (placeholder) out.push(placeholder);
        return false;
      }
      if (ignoredTypes.has(type)) return false;
      if (literalTypes.test(type) || !cursor.gotoFirstChild()) {
        out.push(text.slice(start, cursor.endIndex));
        return false;
      }
      out.push(`(${type}`);
      ends.push(covered);
      covered = start;
      return true;
    };
    if (!visit()) return out.join('\u0000');
    for (;;) {
      if (visit()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || ends.length === 0) return out.join('\u0000');
        const end = ends.pop() ?? covered;
        const gap = text.slice(covered, end).trim();
        if (gap) out.push(gap);
        covered = end;
        out.push(')');
        if (ends.length === 0) return out.join('\u0000');
      }
    }
  } finally {
    cursor.delete();
  }
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

import type { Node, Parser, Tree } from 'web-tree-sitter';
import type { RuleFamily } from './rule.js';
import { descendants, isFunctionNode } from './syntax.js';

/**
 * A target's source is whole lines of one declaration. A class method (`  get(key) {…}`) is not a program on its
 * own, and as a program it can even parse cleanly as something else (a call followed by a block), so each wrapper
 * is accepted only if the snippet's first function spans the whole snippet.
 */
const wrappers: Record<RuleFamily, { prefix: string; suffix: string }[]> = {
  javascript: [
    { prefix: '', suffix: '' },
    { prefix: 'class __ {\n', suffix: '\n}' },
    { prefix: '({\n', suffix: '\n})' },
  ],
  // An indented method (any depth) parses as the body of a class.
  python: [
    { prefix: '', suffix: '' },
    { prefix: 'class __:\n', suffix: '' },
  ],
};

/** The function a snippet declares, parsed; node offsets are shifted by `offset` from the snippet's source. */
export class FunctionSnippet {
  readonly indentUnit: string;
  /** Line break to insert: the snippet's own, so CRLF files stay CRLF. */
  readonly eol: string;

  constructor(
    readonly family: RuleFamily,
    readonly source: string,
    readonly fn: Node,
    readonly offset: number,
    private readonly tree: Tree,
  ) {
    this.indentUnit = detectIndentUnit(source);
    this.eol = source.includes('\r\n') ? '\r\n' : '\n';
  }

  start(node: Node): number {
    return node.startIndex - this.offset;
  }

  end(node: Node): number {
    return node.endIndex - this.offset;
  }

  /** Leading whitespace of the line holding position `at` of the source. */
  indentAt(at: number): string {
    const lineStart = this.source.lastIndexOf('\n', at - 1) + 1;
    return /^[ \t]*/.exec(this.source.slice(lineStart))?.[0] ?? '';
  }

  /** True when only whitespace precedes `node` on its line. */
  startsLine(node: Node): boolean {
    const at = this.start(node);
    const lineStart = this.source.lastIndexOf('\n', at - 1) + 1;
    return this.source.slice(lineStart, at).trim() === '';
  }

  dispose(): void {
    this.tree.delete();
  }
}

/** Parses a declaration snippet; null when it does not parse cleanly as one function. Call `dispose()` after use. */
export function parseFunctionSnippet(
  parser: Parser,
  source: string,
  family: RuleFamily = 'javascript',
): FunctionSnippet | null {
  for (const { prefix, suffix } of wrappers[family]) {
    const tree = parser.parse(prefix + source + suffix);
    if (!tree) continue;
    const fn = tree.rootNode.hasError ? undefined : descendants(tree.rootNode).find(isFunctionNode);
    if (fn && spansRest(source, fn.endIndex - prefix.length, family))
      return new FunctionSnippet(family, source, fn, prefix.length, tree);
    tree.delete();
  }
  return null;
}

function spansRest(source: string, fnEnd: number, family: RuleFamily): boolean {
  const comments = family === 'python' ? /#[^\n]*/g : /\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;
  const rest = source.slice(fnEnd).replace(comments, '');
  return /^[\s;,]*$/.test(rest);
}

function detectIndentUnit(source: string): string {
  const indents = source
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => /^[ \t]*/.exec(line)?.[0] ?? '');
  if (indents.some((indent) => indent.startsWith('\t'))) return '\t';
  const base = indents[0]?.length ?? 0;
  const deeper = indents.map((indent) => indent.length - base).filter((step) => step > 0);
  const unit = deeper.length > 0 ? Math.min(...deeper) : 2;
  return ' '.repeat(unit <= 8 ? unit : 2);
}

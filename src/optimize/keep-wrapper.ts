import type { Node, Tree } from 'web-tree-sitter';
import { wrappedDefinitionsIn } from '../detect/languages/wrapped-definition.js';
import type { Target } from '../detect/types.js';

/**
 * A wrapped definition's candidate (`const omit = curry(function omit(a, b) {…})`) may be answered whole or as the
 * inner function alone. Either way the result replaces the whole statement: an inner function alone is put back
 * inside the original call (`insideWrapper`), and a whole statement must keep the code around the inner function
 * as it was (`wrapperChange`).
 */

const functionStatementTypes = new Set(['function_declaration', 'generator_function_declaration']);

/** The answer's only top-level node when it is a bare function (declaration or expression), else undefined. */
function bareFunction(root: Node): Node | undefined {
  const nodes = root.namedChildren.filter((n) => n && n.type !== 'comment');
  const [node] = nodes;
  if (nodes.length !== 1 || !node || node.hasError) return undefined;
  if (functionStatementTypes.has(node.type)) return node;
  const expression = node.type === 'expression_statement' ? node.namedChildren[0] : undefined;
  if (expression && /function|arrow_function/.test(expression.type)) return expression;
  return undefined;
}

/** Lines after the first get the statement's indentation; the first continues the statement's line. */
function reindent(code: string, indent: string): string {
  const lines = code.split('\n');
  const indents = lines
    .slice(1)
    .flatMap((l) => (l.trim() === '' ? [] : [/^[ \t]*/.exec(l)?.[0].length ?? 0]));
  const strip = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l, i) => (i === 0 || l.trim() === '' ? l.trimEnd() : indent + l.slice(strip))).join('\n');
}

/**
 * When the answer (parsed on its own as `answerTree`) is a bare function, the target's statement with its inner
 * function replaced by the answer; `originalInner` is the inner function's offsets in `target.source`.
 */
export function insideWrapper(
  answer: string,
  answerTree: Tree,
  target: Target,
  originalInner: { start: number; end: number },
): string | undefined {
  const bare = bareFunction(answerTree.rootNode);
  if (!bare) return undefined;
  const indent = /^[ \t]*/.exec(target.source)?.[0] ?? '';
  const text = reindent(answer.slice(bare.startIndex, bare.endIndex), indent);
  return target.source.slice(0, originalInner.start) + text + target.source.slice(originalInner.end);
}

/** Compares the code around the inner function, ignoring layout and a trailing `;` or `,`. */
function frame(text: string, inner: Node): string {
  const around = `${text.slice(0, inner.startIndex)}\u0000${text.slice(inner.endIndex)}`;
  return around.replace(/\s+/g, '').replace(/[;,]+$/, '');
}

/** Why a whole-statement answer is not the same wrapped definition, if it is not. */
export function wrapperChange(
  candidate: { text: string; tree: Tree },
  original: { text: string; tree: Tree },
  target: Target,
): string | undefined {
  const before = wrappedDefinitionsIn(original.tree.rootNode)[0];
  if (!before) return undefined;
  const after = wrappedDefinitionsIn(candidate.tree.rootNode).find((w) => w.wrapper === target.wrapper);
  const around = `\`${target.wrapper}(…)\``;
  if (!after) return `format error: the candidate must keep \`${target.name}\` defined inside ${around}`;
  if (frame(candidate.text, after.inner) !== frame(original.text, before.inner)) {
    return `format error: the candidate changes the code around \`${target.name}\` inside ${around}; change only the function inside it`;
  }
  return undefined;
}

/** Offsets of the inner function in `target.source`, given the tree of `target.source` after `prefixLength` chars. */
export function originalInner(tree: Tree, prefixLength: number): { start: number; end: number } | undefined {
  const inner = wrappedDefinitionsIn(tree.rootNode)[0]?.inner;
  return inner ? { start: inner.startIndex - prefixLength, end: inner.endIndex - prefixLength } : undefined;
}

import type { Node, Tree } from 'web-tree-sitter';
import { wrappedDefinitionsIn } from '../detect/languages/wrapped-definition.js';
import type { Target } from '../detect/types.js';

export type Rewrapped = { ok: true; source: string } | { ok: false; reason: string };

const functionStatementTypes = new Set(['function_declaration', 'generator_function_declaration']);

/** Compares the code around the inner function, ignoring layout and a trailing `;`. */
function frame(text: string, inner: Node): string {
  const around = `${text.slice(0, inner.startIndex)}\u0000${text.slice(inner.endIndex)}`;
  return around.replace(/\s+/g, '').replace(/;+$/, '');
}

/** The answer's only top-level node when it is a bare function (declaration or expression), else undefined. */
function bareFunction(root: Node): Node | undefined {
  const nodes = root.namedChildren.filter((n) => n && n.type !== 'comment');
  if (nodes.length !== 1 || !nodes[0]) return undefined;
  const [node] = nodes;
  if (functionStatementTypes.has(node.type)) return node;
  const expression = node.type === 'expression_statement' ? node.namedChildren[0] : undefined;
  if (expression && /function|arrow_function/.test(expression.type)) return expression;
  return undefined;
}

function reindent(code: string, indent: string): string {
  const lines = code.split('\n');
  const common = Math.min(
    ...lines.slice(1).flatMap((l) => (l.trim() === '' ? [] : [/^[ \t]*/.exec(l)?.[0].length ?? 0])),
  );
  const strip = Number.isFinite(common) ? common : 0;
  return lines.map((l, i) => (i === 0 || l.trim() === '' ? l.trimEnd() : indent + l.slice(strip))).join('\n');
}

/**
 * A wrapped definition's candidate (`const omit = curry(function omit(a, b) {…})`) may be answered whole or as the
 * inner function alone. Either way the result replaces the whole statement: an inner function alone is put back
 * inside the original call, and a whole statement must keep the code around the inner function as it was.
 */
export function keepWrapper(
  source: string,
  candidateTree: Tree,
  target: Target,
  originalTree: Tree,
): Rewrapped {
  const original = wrappedDefinitionsIn(originalTree.rootNode)[0];
  if (!original || target.wrapper === undefined) return { ok: true, source };
  const answered = wrappedDefinitionsIn(candidateTree.rootNode).find((w) => w.wrapper === target.wrapper);
  const around = `\`${target.wrapper}(…)\``;
  if (answered) {
    if (frame(source, answered.inner) !== frame(target.source, original.inner)) {
      return {
        ok: false,
        reason: `format error: the candidate changes the code around \`${target.name}\` inside ${around}; change only the function inside it`,
      };
    }
    return { ok: true, source };
  }
  const bare = bareFunction(candidateTree.rootNode);
  if (!bare) {
    return {
      ok: false,
      reason: `format error: the candidate must keep \`${target.name}\` defined inside ${around}`,
    };
  }
  const indent = /^[ \t]*/.exec(target.source)?.[0] ?? '';
  const inner = reindent(bare.text, indent);
  const spliced =
    target.source.slice(0, original.inner.startIndex) + inner + target.source.slice(original.inner.endIndex);
  return { ok: true, source: spliced };
}

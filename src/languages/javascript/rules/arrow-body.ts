import type { Node } from 'web-tree-sitter';
import { applyEdits } from '../../../providers/rules/edits.js';
import type { RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import { arrowToken } from '../../../providers/rules/syntax.js';

/**
 * `(a) => expr` → `(a) => {\n  <statements>\n  return <returned>;\n}`: the block closes at the indentation of the
 * line holding `=>`, its statements one indent unit deeper.
 */
export function expressionBodyToBlock(
  snippet: FunctionSnippet,
  arrow: Node,
  statements: string[],
  returned: string,
): RuleEdit {
  const token = arrowToken(arrow);
  const body = arrow.childForFieldName('body');
  if (!token || !body) throw new Error('Not an arrow function');
  const start = snippet.end(token);
  const indent = snippet.indentAt(start);
  const { eol, indentUnit } = snippet;
  const lines = [...statements, `return ${returned};`]
    .map((line) => `${indent}${indentUnit}${line}${eol}`)
    .join('');
  return { start, end: snippet.end(body), text: ` {${eol}${lines}${indent}}` };
}

/** The text of `node` with edits (in snippet offsets, all inside node) applied. */
export function textWithEdits(snippet: FunctionSnippet, node: Node, edits: readonly RuleEdit[]): string {
  const base = snippet.start(node);
  return applyEdits(
    node.text,
    edits.map((edit) => ({ ...edit, start: edit.start - base, end: edit.end - base })),
  );
}

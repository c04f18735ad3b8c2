import type { Node } from 'web-tree-sitter';
import type { RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import {
  contains,
  isField,
  isFunctionNode,
  isIteratingCallback,
  namedChildren,
  sameNode,
} from '../../../providers/rules/syntax.js';
import { expressionBodyToBlock, textWithEdits } from './arrow-body.js';
import { type NameOccurrence, occurrencesOf } from './receiver-safety.js';

/** Inside a loop's repeated part or an iterating callback, without crossing any other function boundary. */
export function isRepeatedInFunction(node: Node, fn: Node): boolean {
  let repeated = false;
  let child = node;
  for (let parent = node.parent; parent && !sameNode(parent, fn); parent = parent.parent) {
    if (isFunctionNode(parent)) {
      // A callback that is not an iterating one may run later, after the array has changed.
      if (!isIteratingCallback(parent)) return false;
      repeated = true;
    } else if (parent.type === 'class_body') {
      return false;
    } else if (parent.type === 'for_statement') {
      repeated ||= !isField(parent, 'initializer', child);
    } else if (parent.type === 'for_in_statement') {
      repeated ||= isField(parent, 'body', child);
    } else if (parent.type === 'while_statement' || parent.type === 'do_statement') {
      repeated = true;
    }
    child = parent;
  }
  return repeated;
}

export function topStatementOf(block: Node, node: Node): Node | null {
  return namedChildren(block).find((statement) => contains(statement, node)) ?? null;
}

export function unusedName(source: string, base: string): string {
  const used = new Set(source.match(/[\p{ID_Continue}$]+/gu));
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}${n}`;
  return name;
}

/**
 * Edits that declare `declarations` just before the top-level statement of the function body holding `site`
 * (same indentation), together with `replacements` inside the body; an expression-bodied arrow becomes a block.
 * `until` is the last site that must see the declarations: null when an await or yield lies in between, since
 * other code runs there and the hoisted value could go stale.
 */
export function hoistBefore(
  snippet: FunctionSnippet,
  site: Node,
  until: Node,
  declarations: string[],
  replacements: RuleEdit[],
): RuleEdit[] | null {
  const { fn, source } = snippet;
  const body = fn.childForFieldName('body');
  if (!body) return null;
  if (body.type !== 'statement_block') {
    if (fn.type !== 'arrow_function') return null;
    if (/\b(await|yield)\b/.test(body.text)) return null;
    return [expressionBodyToBlock(snippet, fn, declarations, textWithEdits(snippet, body, replacements))];
  }
  const first = topStatementOf(body, site);
  const last = topStatementOf(body, until);
  if (!first || !last) return null;
  if (/\b(await|yield)\b/.test(source.slice(snippet.start(first), snippet.end(last)))) return null;
  const at = snippet.start(first);
  const separator = snippet.startsLine(first) ? `${snippet.eol}${snippet.indentAt(at)}` : ' ';
  return [{ start: at, end: at, text: declarations.join(separator) + separator }, ...replacements];
}

/** Text to put a new statement right after `statement`, on its own line when `statement` ends one. */
export function insertAfter(snippet: FunctionSnippet, statement: Node, text: string): RuleEdit {
  const at = snippet.end(statement);
  const endsLine = /^[ \t]*(\r?\n|$)/.test(snippet.source.slice(at));
  const separator = endsLine ? `${snippet.eol}${snippet.indentAt(snippet.start(statement))}` : ' ';
  return { start: at, end: at, text: separator + text };
}

/**
 * The `const|let name = <init>` declarator of a local variable declared exactly once, directly in a block of
 * the function (not a parameter, not in a loop header), or null. `var` counts only in the function's own body and
 * with no use before it: then it has one binding for the whole call, as a `let` there would (older libraries
 * declare everything with `var`).
 */
export function localDeclaration(fn: Node, occurrences: NameOccurrence[]): Node | null {
  const declarations = occurrences.filter((occurrence) => occurrence.use === 'declaration');
  const declared = declarations[0]?.node;
  if (declarations.length !== 1 || !declared) return null;
  const declarator = declared.parent;
  if (declarator?.type !== 'variable_declarator' || !isField(declarator, 'name', declared)) return null;
  const statement = declarator.parent;
  if (statement?.parent?.type !== 'statement_block') return null;
  if (statement.type === 'variable_declaration') {
    const inBody = isField(fn, 'body', statement.parent);
    if (!inBody || occurrences.some((o) => o.node.startIndex < statement.endIndex && o.use !== 'declaration'))
      return null;
  } else if (statement.type !== 'lexical_declaration') {
    return null;
  }
  return enclosingFunction(statement) !== null && sameNode(enclosingFunction(statement), fn)
    ? declarator
    : null;
}

export function enclosingFunction(node: Node): Node | null {
  let parent = node.parent;
  while (parent && !isFunctionNode(parent)) parent = parent.parent;
  return parent;
}

/** True when `Set`, `Map`, `RegExp`… is declared anywhere in the function, so the global is not what we get. */
export function shadows(fn: Node, name: string): boolean {
  return occurrencesOf(fn, name).some((occurrence) => occurrence.use === 'declaration');
}

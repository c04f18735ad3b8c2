import type { Node } from 'web-tree-sitter';
import type { Rule } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import {
  asMemberCall,
  descendants,
  hasComment,
  isField,
  namedChildren,
  sameNode,
} from '../../../providers/rules/syntax.js';
import { hoistBefore, isRepeatedInFunction, shadows, unusedName } from './scope.js';

/** Calls that use a non-global, non-sticky regex without keeping it or depending on its `lastIndex`. */
const consumingMethods = new Set(['test', 'exec']);
const argumentMethods = new Set(['match', 'search', 'replace', 'split']);

export const regexpHoist: Rule = {
  id: 'regexp-hoist',
  family: 'javascript',
  title: '`new RegExp(constant)` in a loop → compiled once',
  description:
    "`new RegExp('…', 'i')` with constant arguments inside a loop or an array-method callback builds and " +
    'looks up a compiled regex on every iteration. Creating it once before the loop leaves one allocation and ' +
    'one compilation: the per-item cost drops from regex construction plus match to match alone (O(n·(c + m)) ' +
    '→ O(c + n·m)). Applies only to string-literal patterns that compile here (so hoisting cannot move a ' +
    '`SyntaxError` earlier) with flags other than `g` and `y` (which make a shared regex stateful through ' +
    '`lastIndex`), and only when the regex is used right away by `.test()` / `.exec()` or passed to a ' +
    "string's `.match()`, `.search()`, `.replace()` or `.split()`, so no one can keep or compare it.",
  before: "return lines.filter((line) => new RegExp('^\\\\s*#', 'u').test(line));",
  after:
    "const commentPattern = new RegExp('^\\\\s*#', 'u');\nreturn lines.filter((line) => commentPattern.test(line));",
  complexity: { before: 'O(n·(c + m))', after: 'O(c + n·m)' },
  apply(snippet) {
    if (shadows(snippet.fn, 'RegExp')) return null;
    for (const node of descendants(snippet.fn, new Set(['new_expression']))) {
      const edits = planConstruction(snippet, node);
      if (edits) return edits;
    }
    return null;
  },
};

function planConstruction(snippet: FunctionSnippet, node: Node) {
  if (node.childForFieldName('constructor')?.text !== 'RegExp' || hasComment(node)) return null;
  const argumentList = node.childForFieldName('arguments');
  const args = argumentList ? namedChildren(argumentList) : [];
  if (args.length < 1 || args.length > 2) return null;
  const pattern = stringValue(args[0]);
  const flags = args.length === 2 ? stringValue(args[1]) : '';
  if (pattern === null || flags === null || /[gy]/.test(flags) || !compiles(pattern, flags)) return null;
  if (!isConsumedImmediately(node) || !isRepeatedInFunction(node, snippet.fn)) return null;

  const name = unusedName(snippet.source, 'pattern');
  return hoistBefore(
    snippet,
    node,
    node,
    [`const ${name} = ${node.text};`],
    [{ start: snippet.start(node), end: snippet.end(node), text: name }],
  );
}

function isConsumedImmediately(node: Node): boolean {
  const parent = node.parent;
  if (parent?.type === 'member_expression' && isField(parent, 'object', node)) {
    const call = parent.parent ? asMemberCall(parent.parent) : null;
    return call !== null && sameNode(call.member, parent) && consumingMethods.has(call.method);
  }
  if (parent?.type === 'arguments') {
    const call = parent.parent ? asMemberCall(parent.parent) : null;
    return call !== null && argumentMethods.has(call.method) && sameNode(call.args[0], node);
  }
  return false;
}

/** The value of a plain string literal; null for anything we would have to evaluate. */
function stringValue(node: Node | undefined): string | null {
  if (node?.type !== 'string') return null;
  const raw = node.text;
  const body = raw.slice(1, -1);
  const json = raw.startsWith("'") ? `"${body.replace(/\\'/g, "'").replace(/(?<!\\)"/g, '\\"')}"` : raw;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

function compiles(pattern: string, flags: string): boolean {
  try {
    new RegExp(pattern, flags);
    return true;
  } catch {
    return false;
  }
}

import type { Parser } from 'web-tree-sitter';
import { applyEdits } from './edits.js';
import type { Rule } from './rule.js';
import { parseFunctionSnippet } from './snippet.js';

/** Each rule rewrites one site per pass; this bounds a rule that keeps matching its own output. */
const maxPassesPerRule = 50;

export interface Rewrite {
  source: string;
  /** The rules that changed something, in the order they ran. */
  applied: Rule[];
}

/** Runs the rules one after another over a declaration snippet; null when none of them changes it. */
export function rewriteWithRules(parser: Parser, source: string, rules: readonly Rule[]): Rewrite | null {
  let current = source;
  const applied: Rule[] = [];
  for (const rule of rules) {
    const rewritten = applyRule(parser, current, rule);
    if (rewritten !== null) {
      current = rewritten;
      applied.push(rule);
    }
  }
  return applied.length > 0 ? { source: current, applied } : null;
}

function applyRule(parser: Parser, source: string, rule: Rule): string | null {
  let current = source;
  let changed = false;
  for (let pass = 0; pass < maxPassesPerRule; pass++) {
    const snippet = parseFunctionSnippet(parser, current);
    if (!snippet) break;
    let next: string;
    try {
      const edits = rule.apply(snippet);
      if (!edits || edits.length === 0) break;
      next = applyEdits(current, edits);
    } finally {
      snippet.dispose();
    }
    // A rule's output must still be one clean function; anything else is a bug we refuse to suggest.
    const check = parseFunctionSnippet(parser, next);
    if (!check) break;
    check.dispose();
    current = next;
    changed = true;
  }
  return changed ? current : null;
}

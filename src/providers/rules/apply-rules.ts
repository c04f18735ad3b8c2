import type { Parser } from 'web-tree-sitter';
import { deadAccumulatorEdits } from './dead-accumulators.js';
import { applyEdits } from './edits.js';
import type { Rule, RuleFamily } from './rule.js';
import { parseFunctionSnippet } from './snippet.js';

/** Each rule rewrites one site per pass; this bounds a rule that keeps matching its own output. */
const maxPassesPerRule = 50;

export interface Rewrite {
  source: string;
  /** The rules that changed something, in the order they ran. */
  applied: Rule[];
  /** Import lines the rewrite needs, deduplicated, in the order the rules ran. */
  imports: string[];
}

/** Runs the rules one after another over a declaration snippet; null when none of them changes it. */
export function rewriteWithRules(
  parser: Parser,
  source: string,
  rules: readonly Rule[],
  family: RuleFamily = 'javascript',
): Rewrite | null {
  let current = source;
  const applied: Rule[] = [];
  for (const rule of rules) {
    if (rule.family !== family) continue;
    const rewritten = applyRule(parser, current, rule, family);
    if (rewritten !== null) {
      current = rewritten;
      applied.push(rule);
    }
  }
  if (applied.length === 0) return null;
  current = withoutDeadAccumulators(parser, source, current, family);
  const imports = [...new Set(applied.flatMap((rule) => rule.imports ?? []))];
  return { source: current, applied, imports };
}

function applyRule(parser: Parser, source: string, rule: Rule, family: RuleFamily): string | null {
  let current = source;
  let changed = false;
  for (let pass = 0; pass < maxPassesPerRule; pass++) {
    const snippet = parseFunctionSnippet(parser, current, family);
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
    const check = parseFunctionSnippet(parser, next, family);
    if (!check) break;
    check.dispose();
    current = next;
    changed = true;
  }
  return changed ? current : null;
}

/** The rewrite without the lists it left filled but unread (see dead-accumulators.ts); unchanged if none. */
function withoutDeadAccumulators(
  parser: Parser,
  original: string,
  rewritten: string,
  family: RuleFamily,
): string {
  const before = parseFunctionSnippet(parser, original, family);
  const after = parseFunctionSnippet(parser, rewritten, family);
  try {
    if (!before || !after) return rewritten;
    const edits = deadAccumulatorEdits(before, after);
    if (edits.length === 0) return rewritten;
    const next = applyEdits(rewritten, edits);
    const check = parseFunctionSnippet(parser, next, family);
    if (!check) return rewritten;
    check.dispose();
    return next;
  } finally {
    before?.dispose();
    after?.dispose();
  }
}

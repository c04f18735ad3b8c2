import type { FunctionSnippet } from './snippet.js';

/** Replace source[start, end) with text; offsets are UTF-16 indices into the snippet's source. */
export interface RuleEdit {
  start: number;
  end: number;
  text: string;
}

/** Rules for `javascript` run on JavaScript, TypeScript and TSX targets, each parsed with its own grammar. */
export type RuleFamily = 'javascript' | 'python';

/** What the README and the report say about a rule. */
export interface RuleInfo {
  id: string;
  family: RuleFamily;
  title: string;
  /** What it rewrites, the condition under which it does, and the complexity change. */
  description: string;
  before: string;
  after: string;
  complexity: { before: string; after: string };
  /** Import lines a rewrite by this rule needs in the target's file (`from collections import deque`). */
  imports?: readonly string[];
}

export interface Rule extends RuleInfo {
  /**
   * Edits for the next rewrite site in the function, or null when no site qualifies. The edits must not overlap;
   * callers apply them, parse again and call `apply` again until it returns null, so one site per call is enough.
   */
  apply(snippet: FunctionSnippet): RuleEdit[] | null;
  /**
   * When `apply` finds nothing: why a site that has the rule's shape does not qualify (which safety condition
   * fails), so the report can point at the opportunity; null when no site has the shape.
   */
  nearMiss?(snippet: FunctionSnippet): string | null;
}

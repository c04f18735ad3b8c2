import type { FunctionSnippet } from './snippet.js';

/** Replace source[start, end) with text; offsets are UTF-16 indices into the snippet's source. */
export interface RuleEdit {
  start: number;
  end: number;
  text: string;
}

/** What the README and the report say about a rule. */
export interface RuleInfo {
  id: string;
  title: string;
  /** What it rewrites, the condition under which it does, and the complexity change. */
  description: string;
  before: string;
  after: string;
  complexity: { before: string; after: string };
}

export interface Rule extends RuleInfo {
  /**
   * Edits for the next rewrite site in the function, or null when no site qualifies. The edits must not overlap;
   * callers apply them, parse again and call `apply` again until it returns null, so one site per call is enough.
   */
  apply(snippet: FunctionSnippet): RuleEdit[] | null;
}

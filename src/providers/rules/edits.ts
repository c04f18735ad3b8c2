import type { RuleEdit } from './rule.js';

/** Applies non-overlapping edits to text; throws on overlap, which would be a bug in a rule. */
export function applyEdits(text: string, edits: readonly RuleEdit[]): string {
  const ordered = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let result = '';
  let cursor = 0;
  for (const edit of ordered) {
    if (edit.start < cursor || edit.end < edit.start || edit.end > text.length) {
      throw new Error(`Overlapping or out-of-range edit at ${edit.start}..${edit.end}`);
    }
    result += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return result + text.slice(cursor);
}

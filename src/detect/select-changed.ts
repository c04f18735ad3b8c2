import type { FoundFunction } from './languages/index.js';

export interface ChangedFunction {
  fn: FoundFunction;
  /** Added or replaced head lines inside the function's range; empty when the function only lost lines. */
  changedLines: number[];
}

export interface SelectChangedInput {
  functions: FoundFunction[];
  addedLines: number[];
  /** Head-side positions of pure deletions (see `ChangedFile.deletionPoints`). */
  deletionPoints: number[];
  /** Functions known to have changed without an added line (they lost lines, judging by the base side). */
  alsoChanged?: FoundFunction[];
}

/**
 * Assigns each changed line to the innermost function holding it (deepest nesting; siblings sharing a line all
 * get it) and returns the functions that received any, in source order.
 */
export function selectChangedFunctions(input: SelectChangedInput): ChangedFunction[] {
  const { functions } = input;
  const changed = new Map<FoundFunction, Set<number>>();
  const mark = (fn: FoundFunction, line?: number) => {
    const lines = changed.get(fn) ?? new Set<number>();
    if (line !== undefined) lines.add(line);
    changed.set(fn, lines);
  };
  const claim = (holders: FoundFunction[], line?: number) => {
    const depth = Math.max(...holders.map((fn) => fn.depth));
    for (const fn of holders) if (fn.depth === depth) mark(fn, line);
  };
  for (const line of input.addedLines) {
    const holders = functions.filter((fn) => fn.startLine <= line && line <= fn.endLine);
    if (holders.length > 0) claim(holders, line);
  }
  // Lines removed between head lines n and n+1 changed a function only if both neighbours are inside it.
  for (const point of input.deletionPoints) {
    const holders = functions.filter((fn) => fn.startLine <= point && point + 1 <= fn.endLine);
    if (holders.length > 0) claim(holders);
  }
  for (const fn of input.alsoChanged ?? []) mark(fn);
  return [...changed]
    .map(([fn, lines]) => ({ fn, changedLines: [...lines].sort((a, b) => a - b) }))
    .sort((a, b) => a.fn.startLine - b.fn.startLine || a.fn.depth - b.fn.depth);
}

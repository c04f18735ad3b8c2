import { parsePatch } from 'diff';

/** New-side line ranges of one file's diff hunks, 1-based inclusive. */
export interface NewSideHunk {
  start: number;
  end: number;
}

/**
 * The hunks of a pull request file's `patch` (as GET pulls/{n}/files returns it: hunks without file headers).
 * GitHub accepts comments on any new-side line inside a hunk, context lines included.
 */
export function newSideHunks(patch: string | undefined): NewSideHunk[] {
  if (!patch) return [];
  const [file] = parsePatch(patch.endsWith('\n') ? patch : `${patch}\n`);
  return (file?.hunks ?? [])
    .filter((hunk) => hunk.newLines > 0)
    .map((hunk) => ({ start: hunk.newStart, end: hunk.newStart + hunk.newLines - 1 }));
}

/** Whether lines start..end all lie inside one hunk, the condition for an applicable suggestion block. */
export function inOneHunk(hunks: NewSideHunk[], start: number, end: number): boolean {
  return hunks.some((hunk) => hunk.start <= start && end <= hunk.end);
}

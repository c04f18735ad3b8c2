import { parsePatch, type StructuredPatch } from 'diff';

export type FileStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'binary';

export interface ChangedFile {
  /** Repository-relative path on the head side (the old path for a deleted file). */
  path: string;
  /** Path on the base side; differs from `path` only for renames. */
  oldPath: string;
  status: FileStatus;
  /** Head-side line numbers (1-based, ascending) that the diff added or replaced. */
  addedLines: number[];
  /**
   * Head-side positions of pure deletions: `n` means lines were removed between head lines n and n+1.
   * A function whose body only lost lines has changed too, yet has no added line to point at.
   */
  deletionPoints: number[];
  /** Base-side line numbers (1-based, ascending) that the diff removed or replaced. */
  removedLines: number[];
}

/** Parses `git diff` output (with `a/`/`b/` prefixes) into one entry per changed file. */
export function parseGitDiff(text: string): ChangedFile[] {
  if (text.trim() === '') return [];
  return parsePatch(text).flatMap((patch) => {
    const file = toChangedFile(patch);
    return file ? [file] : [];
  });
}

function toChangedFile(patch: StructuredPatch): ChangedFile | undefined {
  const oldPath = stripPrefix(patch.oldFileName, 'a/');
  const newPath = stripPrefix(patch.newFileName, 'b/');
  const path = newPath ?? oldPath;
  if (path === undefined) return undefined;

  const addedLines: number[] = [];
  const deletionPoints: number[] = [];
  const removedLines: number[] = [];
  for (const hunk of patch.hunks) {
    let newLine = hunk.newStart;
    let oldLine = hunk.oldStart;
    for (const line of hunk.lines) {
      if (line.startsWith('+')) addedLines.push(newLine++);
      else if (line.startsWith('-')) removedLines.push(oldLine++);
      else if (line.startsWith(' ')) {
        newLine++;
        oldLine++;
      }
    }
    // A hunk that only removes lines: parsePatch reports newStart as the line after the removal.
    if (hunk.newLines === 0 && hunk.oldLines > 0) deletionPoints.push(hunk.newStart - 1);
  }

  return {
    path,
    oldPath: oldPath ?? path,
    status: statusOf(patch, oldPath, newPath),
    addedLines,
    deletionPoints,
    removedLines,
  };
}

function statusOf(patch: StructuredPatch, oldPath?: string, newPath?: string): FileStatus {
  if (patch.isDelete || newPath === undefined) return 'deleted';
  if (patch.isBinary) return 'binary';
  if (patch.isCreate || oldPath === undefined) return 'added';
  if (patch.isRename) return 'renamed';
  return 'modified';
}

/** `a/src/x.js` → `src/x.js`; `/dev/null` (the missing side of an add or delete) → undefined. */
function stripPrefix(fileName: string | undefined, prefix: string): string | undefined {
  if (fileName === undefined || fileName === '/dev/null') return undefined;
  return fileName.startsWith(prefix) ? fileName.slice(prefix.length) : fileName;
}

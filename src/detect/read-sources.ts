import { readBlobs, type TreeEntry } from './git.js';

/** Larger files are almost always generated or data, and parsing them costs more than they are worth. */
export const maxFileBytes = 1024 * 1024;

const symlinkMode = '120000';
const submoduleMode = '160000';

// Bounds the memory held by one `git cat-file --batch` answer.
const maxBatchBytes = 32 * 1024 * 1024;

/** Why a tree entry cannot be analyzed as a source file, judging by its mode and size. */
export function entrySkipReason(entry: TreeEntry | undefined): string | undefined {
  if (!entry) return 'not found in the head commit';
  if (entry.mode === symlinkMode) return 'symbolic link';
  if (entry.mode === submoduleMode) return 'submodule';
  if (entry.size > maxFileBytes) return `file too large (${entry.size} bytes, limit ${maxFileBytes})`;
  return undefined;
}

/** UTF-8 text of a blob, or why it is not usable source. */
export function decodeSource(bytes: Buffer): { text: string } | { reason: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { reason: 'not valid UTF-8' };
  }
}

/**
 * Calls `visit` for items in order, with the contents of the blobs each needs read in batches of bounded size.
 * `objectsOf` lists an item's blob ids (head and maybe base side).
 */
export async function withBlobs<T>(
  repo: string,
  items: T[],
  objectsOf: (item: T) => { object: string; size: number }[],
  visit: (item: T, blobs: Map<string, Buffer>) => Promise<void>,
): Promise<void> {
  let start = 0;
  while (start < items.length) {
    let end = start;
    let bytes = 0;
    const objects: string[] = [];
    while (end < items.length && (end === start || bytes < maxBatchBytes)) {
      for (const blob of objectsOf(items[end] as T)) {
        objects.push(blob.object);
        bytes += blob.size;
      }
      end++;
    }
    const blobs = await readBlobs(repo, objects);
    for (let i = start; i < end; i++) await visit(items[i] as T, blobs);
    start = end;
  }
}

import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * Whether a symlink leaves the tree it is in, judged by its text as Docker's archive API judges it (absolute, or
 * climbing above the root); such a link makes the engine refuse the whole copy. `link` is relative to the root.
 */
export function leavesTree(link: string, target: string): boolean {
  if (path.posix.isAbsolute(target) || path.win32.isAbsolute(target)) return true;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(link), target));
  return resolved === '..' || resolved.startsWith('../');
}

/**
 * Collects, while a tree is copied, the symlinks that point outside it; the copy leaves them out (never follows
 * them) and says so once, naming them.
 */
export class OutsideLinks {
  readonly skipped: string[] = [];

  constructor(private readonly root: string) {}

  /** True for a symlink that leaves the root, which is then remembered; `file` is an absolute path under it. */
  skip(file: string): boolean {
    let target: string;
    try {
      if (!lstatSync(file).isSymbolicLink()) return false;
      target = readlinkSync(file);
    } catch {
      return false;
    }
    const link = path.relative(this.root, file).split(path.sep).join('/');
    if (!leavesTree(link, target)) return false;
    this.skipped.push(link);
    return true;
  }

  /** One sentence for the run's notices, or undefined when every link stayed inside. */
  notice(): string | undefined {
    const count = this.skipped.length;
    if (count === 0) return undefined;
    const shown = this.skipped.slice(0, 10).join(', ');
    const more = count > 10 ? ` and ${count - 10} more` : '';
    const what = count === 1 ? 'a symlink that points' : `${count} symlinks that point`;
    return `Left out ${what} outside the repository (not followed, not copied into the sandbox): ${shown}${more}.`;
  }
}

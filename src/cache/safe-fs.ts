import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

// Windows has no O_NOFOLLOW; there the lstat checks below are the only guard.
const noFollow = constants.O_NOFOLLOW ?? 0;

/** A state path that is not what we created: a symlink, a file where a directory belongs, or someone else's. */
export class UnsafeStatePathError extends Error {
  constructor(path: string, why: string) {
    super(`refusing to use ${path}: ${why}`);
    this.name = 'UnsafeStatePathError';
  }
}

/** Whether `path` is `dir` or lies below it (both absolute and already resolved). */
export function isWithin(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function checkDirectory(path: string): Promise<void> {
  const stats = await lstat(path);
  if (stats.isSymbolicLink()) throw new UnsafeStatePathError(path, 'it is a symbolic link');
  if (!stats.isDirectory()) throw new UnsafeStatePathError(path, 'it is not a directory');
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    throw new UnsafeStatePathError(path, 'it belongs to another user');
  }
}

/**
 * The deepest existing ancestor of `path` (itself included), resolved: the part of a state path the user chose,
 * whose own symlinks (a home on another disk) are theirs to keep.
 */
export async function resolveExisting(path: string): Promise<{ base: string; rest: string[] }> {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      return { base: await realpath(current), rest };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const parent = dirname(current);
      if (parent === current) throw error;
      rest.unshift(current.slice(parent.length).replace(/^[\\/]+/, ''));
      current = parent;
    }
  }
}

/**
 * Creates `segments` below the trusted directory `base` one level at a time (mode 0700), and checks every one
 * of them, whether it was just created or already there: a directory of ours, never a symlink.
 */
export async function ensureDirectoryBelow(base: string, segments: readonly string[]): Promise<string> {
  let current = base;
  for (const segment of segments) {
    if (!segment || segment === '.' || segment === '..' || /[\\/]/.test(segment)) {
      throw new UnsafeStatePathError(join(current, segment), 'not a plain directory name');
    }
    current = join(current, segment);
    if (!(await lstatOrUndefined(current))) {
      try {
        await mkdir(current, { mode: 0o700 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    await checkDirectory(current);
  }
  return current;
}

/** Reads a file that must be a regular file reached without following a symlink; undefined when absent. */
export async function readFileNoFollow(path: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | noFollow);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new UnsafeStatePathError(path, 'it is a symbolic link');
    throw error;
  }
  try {
    if (!(await handle.stat()).isFile()) throw new UnsafeStatePathError(path, 'it is not a regular file');
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Writes `path` whole: a fresh private temporary file beside it (never through a symlink), then a rename. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${randomUUID()}.tmp`);
  const handle = await open(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | noFollow,
    0o600,
  );
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  try {
    // rename replaces whatever sits at `path`, a symlink included, without following it.
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

/** Appends to `path`, creating it private; refuses a symlink or anything but a regular file. */
export async function appendFileNoFollow(path: string, text: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | noFollow, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UnsafeStatePathError(path, 'it is a symbolic link');
    }
    throw error;
  }
  try {
    if (!(await handle.stat()).isFile()) throw new UnsafeStatePathError(path, 'it is not a regular file');
    await handle.appendFile(text);
  } finally {
    await handle.close();
  }
}

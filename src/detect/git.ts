import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { AfterburnerError } from '../errors.js';

const execFileAsync = promisify(execFile);

// Diffs of large PRs and large files easily exceed Node's 1 MiB default.
const maxGitOutputBytes = 256 * 1024 * 1024;

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, {
    cwd,
    maxBuffer: maxGitOutputBytes,
    encoding: 'utf8',
  });
  return stdout;
}

/** Throws `not-a-repo` unless `dir` is inside a git work tree. */
export async function assertWorkTree(dir: string): Promise<void> {
  let inside = '';
  try {
    inside = (await git(dir, ['rev-parse', '--is-inside-work-tree'])).trim();
  } catch {
    // A missing directory or a directory outside any repository both land here.
  }
  if (inside !== 'true') throw new AfterburnerError('not-a-repo', `not a git repository: ${dir}`);
}

/** Full SHA of the commit `ref` names; throws `unknown-ref` if there is none. */
export async function resolveCommit(dir: string, ref: string): Promise<string> {
  try {
    // `--end-of-options` keeps a ref such as `--help` from being read as an option.
    return (
      await git(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
    ).trim();
  } catch {
    throw new AfterburnerError('unknown-ref', `unknown git ref '${ref}'`);
  }
}

export async function mergeBase(dir: string, base: string, head: string): Promise<string> {
  try {
    return (await git(dir, ['merge-base', base, head])).trim();
  } catch {
    throw new AfterburnerError('unknown-ref', `no common ancestor between ${base} and ${head}`);
  }
}

/**
 * Text of `git diff` from `from` to `to` with no context lines and renames detected. Options that user or
 * system git config could otherwise change (prefixes, colour, external diff drivers, textconv, relative
 * paths) are pinned so the output always has the shape the parser expects.
 */
export async function diffText(dir: string, from: string, to: string): Promise<string> {
  return git(dir, [
    'diff',
    '-M',
    '--unified=0',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--no-relative',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    from,
    to,
  ]);
}

export interface TreeEntry {
  /** Git file mode: `100644`, `100755`, `120000` (symbolic link), `160000` (submodule). */
  mode: string;
  /** Size in bytes; 0 for submodules. */
  size: number;
  /** Object id of the blob (or commit, for submodules). */
  object?: string;
}

// Keeps each ls-tree command line well under the OS argument limit.
const pathsPerLsTree = 500;

/** `ls-tree -l -z` records: `<mode> <type> <object> <size>\t<path>\0`. */
function parseLsTree(out: string, into: Map<string, TreeEntry>): void {
  for (const record of out.split('\0')) {
    const match = /^(\d+) \w+ ([0-9a-f]+)\s+(\d+|-)\t([\s\S]*)$/.exec(record);
    if (!match?.[1] || !match[2] || !match[3] || match[4] === undefined) continue;
    into.set(match[4], { mode: match[1], object: match[2], size: match[3] === '-' ? 0 : Number(match[3]) });
  }
}

/** Mode, size and object id of each of `paths` at `commit`, in a few git calls for any number of paths. */
export async function treeEntries(
  dir: string,
  commit: string,
  paths: string[],
): Promise<Map<string, TreeEntry>> {
  const entries = new Map<string, TreeEntry>();
  for (let i = 0; i < paths.length; i += pathsPerLsTree) {
    const chunk = paths.slice(i, i + pathsPerLsTree);
    // Literal pathspecs: a file named `a*.js` must not match as a glob; --full-tree: paths are not relative to cwd.
    const out = await git(dir, [
      '--literal-pathspecs',
      'ls-tree',
      '--full-tree',
      '-l',
      '-z',
      commit,
      '--',
      ...chunk,
    ]);
    parseLsTree(out, entries);
  }
  return entries;
}

/** Every file of `commit` (recursively), with mode, size and object id. */
export async function listTree(dir: string, commit: string): Promise<Map<string, TreeEntry>> {
  const entries = new Map<string, TreeEntry>();
  parseLsTree(await git(dir, ['ls-tree', '-r', '--full-tree', '-l', '-z', commit]), entries);
  return entries;
}

/**
 * Contents of many blobs through one `git cat-file --batch` process (one process per file would dominate the
 * time of a large PR). Ids are object ids, so paths with unusual characters need no quoting.
 */
export async function readBlobs(dir: string, objects: string[]): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  if (objects.length === 0) return blobs;
  const child = spawn('git', ['cat-file', '--batch'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(`${objects.join('\n')}\n`);
  const code = await exited;
  if (code !== 0) throw new Error(`git cat-file --batch failed: ${stderr.trim()}`);
  const out = Buffer.concat(chunks);
  let position = 0;
  while (position < out.length) {
    const headerEnd = out.indexOf(0x0a, position);
    if (headerEnd === -1) break;
    const header = out.toString('utf8', position, headerEnd).split(' ');
    position = headerEnd + 1;
    if (header[1] === 'missing' || header.length < 3) continue;
    const size = Number(header[2]);
    blobs.set(header[0] ?? '', out.subarray(position, position + size));
    position += size + 1;
  }
  return blobs;
}

/** Raw bytes of `path` (repository-relative) at `commit`; `cat-file` never applies textconv filters. */
export async function readFileAt(dir: string, commit: string, path: string): Promise<Buffer> {
  const { stdout } = await execFileAsync('git', ['cat-file', 'blob', `${commit}:${path}`], {
    cwd: dir,
    maxBuffer: maxGitOutputBytes,
    encoding: 'buffer',
  });
  return stdout;
}

/** Absolute path of the work tree's top directory. */
export async function workTreeRoot(dir: string): Promise<string> {
  return (await git(dir, ['rev-parse', '--show-toplevel'])).trim();
}

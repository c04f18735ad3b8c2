import { execFile } from 'node:child_process';
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

/** Size in bytes of `path` at `commit`, without reading its content. */
export async function fileSize(dir: string, commit: string, path: string): Promise<number> {
  return Number((await git(dir, ['cat-file', '-s', `${commit}:${path}`])).trim());
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

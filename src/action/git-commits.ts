import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AfterburnerError } from '../errors.js';

const run = promisify(execFile);

/**
 * issue_comment workflows check out the default branch, so the pull request's commits may be missing: fetch
 * them through the remote actions/checkout configured (the token stays in git's config, not in our env).
 */
export async function ensureCommits(repo: string, pullNumber: number, shas: string[]): Promise<void> {
  const missing: string[] = [];
  for (const sha of shas) {
    await run('git', ['-C', repo, 'cat-file', '-e', `${sha}^{commit}`]).catch(() => missing.push(sha));
  }
  if (missing.length === 0) return;
  try {
    await run('git', [
      '-C',
      repo,
      'fetch',
      '--no-tags',
      'origin',
      `+refs/pull/${pullNumber}/head`,
      ...missing,
    ]);
  } catch (error) {
    throw new AfterburnerError(
      'usage',
      `cannot fetch the pull request's commits (${missing.map((s) => s.slice(0, 7)).join(', ')}): ` +
        `check out with fetch-depth: 0 (${(error as Error).message.split('\n')[0]})`,
    );
  }
}

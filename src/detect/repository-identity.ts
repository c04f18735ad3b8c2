import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Names the repository a run reviews, for state that must never be shared between repositories (setup
 * snapshots): its `origin` remote without credentials, else the absolute path of its work tree.
 */
export async function repositoryIdentity(repo: string): Promise<string> {
  const origin = await run('git', ['-C', repo, 'remote', 'get-url', 'origin']).then(
    ({ stdout }) => stdout.trim(),
    () => '',
  );
  if (origin) return withoutCredentials(origin);
  const top = await run('git', ['-C', repo, 'rev-parse', '--show-toplevel']).then(
    ({ stdout }) => stdout.trim(),
    () => repo,
  );
  return `file://${await realpath(top).catch(() => top)}`;
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    // scp-like `git@host:owner/name.git`: no password in it.
    return url;
  }
}

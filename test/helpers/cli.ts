import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');

// The CLI keeps its cache and run logs in the per-user cache directory; tests keep theirs out of the real one.
const testCacheHome = mkdtempSync(join(tmpdir(), 'afterburner-test-xdg-'));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the bundled CLI (dist/cli.js) as a user would, with secrets of this process removed from its env. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: testCacheHome, ...options.env };
  delete env.AFTERBURNER_API_KEY;
  delete env.OPENAI_API_KEY;
  Object.assign(env, options.env);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'dist', 'cli.js'), ...args],
      { cwd: options.cwd ?? repoRoot, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

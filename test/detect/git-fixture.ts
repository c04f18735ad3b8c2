import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** File contents to commit; `null` deletes the file. */
export type FileChanges = Record<string, string | Uint8Array | null>;

export interface TempRepo {
  dir: string;
  git(...args: string[]): Promise<string>;
  /** Writes (or deletes) files, commits everything, returns the new commit's SHA. */
  commit(changes: FileChanges, message?: string): Promise<string>;
  dispose(): Promise<void>;
}

const identity = [
  '-c',
  'user.name=Afterburner Test',
  '-c',
  'user.email=test@example.com',
  '-c',
  'commit.gpgsign=false',
];

export async function createTempRepo(): Promise<TempRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'afterburner-detect-'));
  const git = async (...args: string[]) =>
    (await execFileAsync('git', [...identity, ...args], { cwd: dir })).stdout;
  await git('init', '--quiet', '--initial-branch=main');
  return {
    dir,
    git,
    async commit(changes, message = 'change') {
      for (const [path, content] of Object.entries(changes)) {
        const file = join(dir, path);
        if (content === null) {
          await rm(file);
          continue;
        }
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, content);
      }
      await git('add', '--all');
      await git('commit', '--quiet', '--allow-empty', '-m', message);
      return (await git('rev-parse', 'HEAD')).trim();
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Lines joined with '\n' plus a final newline, so fixtures read like files and line numbers are easy to count. */
export function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

/** `text` with the given 1-based lines replaced; builds a base version that differs from head on those lines. */
export function withLines(text: string, replacements: Record<number, string>): string {
  const all = text.split('\n');
  for (const [line, replacement] of Object.entries(replacements)) all[Number(line) - 1] = replacement;
  return all.join('\n');
}

/** Lines start..end (1-based, inclusive) of `text`, joined by '\n'. */
export function lineRange(text: string, start: number, end: number): string {
  return text
    .split('\n')
    .slice(start - 1, end)
    .join('\n');
}

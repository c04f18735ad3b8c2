import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GitFixture {
  dir: string;
  base: string;
  head: string;
  dispose(): Promise<void>;
}

export interface FixtureFiles {
  /** Text files; a value starting with `#!` is made executable. */
  files: Record<string, string>;
  /** Symlinks, path → target, committed as links. */
  links?: Record<string, string>;
}

async function git(dir: string, ...args: string[]): Promise<string> {
  const identity = ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid'];
  return (await run('git', [...identity, '-C', dir, ...args])).stdout.trim();
}

async function place(dir: string, { files, links = {} }: FixtureFiles): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
    if (text.startsWith('#!')) await chmod(join(dir, file), 0o755);
  }
  for (const [link, target] of Object.entries(links)) {
    await mkdir(dirname(join(dir, link)), { recursive: true });
    await symlink(target, join(dir, link));
  }
}

/** A git repository shaped like a pull request: `base` holds the first set of files, `head` adds the second. */
export async function gitFixture(base: FixtureFiles, head: FixtureFiles): Promise<GitFixture> {
  const root = await mkdtemp(join(tmpdir(), 'afterburner-fixture-'));
  const dir = join(root, 'repo');
  await mkdir(dir);
  await git(dir, 'init', '--quiet', '--initial-branch=main');
  await place(dir, base);
  await git(dir, 'add', '--all');
  await git(dir, 'commit', '--quiet', '-m', 'base');
  const baseSha = await git(dir, 'rev-parse', 'HEAD');
  await place(dir, head);
  await git(dir, 'add', '--all');
  await git(dir, 'commit', '--quiet', '-m', 'head');
  const headSha = await git(dir, 'rev-parse', 'HEAD');
  return { dir, base: baseSha, head: headSha, dispose: () => rm(root, { recursive: true, force: true }) };
}

/** A one-function JavaScript package whose `node --test` suite covers `total` in src/total.js. */
export const totalPackage = {
  base: {
    'package.json': `${JSON.stringify({ name: 'totals', type: 'module', scripts: { test: 'node --test test/' } })}\n`,
    'test/total.test.js': [
      "import assert from 'node:assert/strict';",
      "import { test } from 'node:test';",
      "import { total } from '../src/total.js';",
      "test('adds', () => assert.equal(total([1, 2, 3]), 6));",
      "test('empty', () => assert.equal(total([]), 0));",
      '',
    ].join('\n'),
  },
  head: {
    // A shape the offline rules rewrite (includes-dedupe), so that a rules-only review reaches the sandbox.
    'src/total.js': [
      'export function total(values) {',
      '  const seen = [];',
      '  let sum = 0;',
      '  for (const v of values) {',
      '    if (!seen.includes(v)) {',
      '      seen.push(v);',
      '      sum = sum + v;',
      '    }',
      '  }',
      '  return sum;',
      '}',
      '',
    ].join('\n'),
  },
};

import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../paths.js';

const run = promisify(execFile);

export interface FixtureRepo {
  dir: string;
  base: string;
  head: string;
  dispose(): Promise<void>;
}

export const fixturesDir = join(packageRoot, 'fixtures', 'repos');

async function git(dir: string, ...args: string[]): Promise<string> {
  const identity = ['-c', 'user.name=afterburner demo', '-c', 'user.email=demo@afterburner.invalid'];
  const { stdout } = await run('git', [...identity, '-C', dir, ...args]);
  return stdout.trim();
}

/** What the head commit adds: `src/`, or the top-level entries a fixture's `fixture.json` lists under `head`. */
async function headPaths(dir: string): Promise<string[]> {
  const manifest = await readFile(join(dir, 'fixture.json'), 'utf8').catch(() => undefined);
  if (manifest === undefined) return ['src'];
  return (JSON.parse(manifest) as { head: string[] }).head;
}

/**
 * Turns a bundled fixture into a git repository shaped like a pull request: the base commit holds everything
 * but `src/` (or what `fixture.json` names), the head commit adds it, so every function in it is a changed function.
 */
export async function materializeFixture(name: string, into?: string): Promise<FixtureRepo> {
  const dir = into ?? (await mkdtemp(join(tmpdir(), `afterburner-${name}-`)));
  await cp(join(fixturesDir, name), dir, { recursive: true });
  await git(dir, 'init', '--quiet', '--initial-branch=main');
  const headOnly = await headPaths(dir);
  const entries = (await readdir(dir)).filter((e) => e !== '.git' && !headOnly.includes(e));
  await git(dir, 'add', '--', ...entries);
  await git(dir, 'commit', '--quiet', '-m', 'base');
  const base = await git(dir, 'rev-parse', 'HEAD');
  await git(dir, 'add', '--all');
  await git(dir, 'commit', '--quiet', '-m', 'head: add src/');
  const head = await git(dir, 'rev-parse', 'HEAD');
  return { dir, base, head, dispose: () => rm(dir, { recursive: true, force: true }) };
}

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-fs';
import { bringDependencies, type HeadDependencies } from './head-dependencies.js';

export interface HeadTree {
  dir: string;
  /** True when dir is a fresh export of the commit (no node_modules or untracked files). */
  exported: boolean;
  /** An export's dependencies, brought from the work tree (absent when head is the work tree or not asked for). */
  dependencies?: HeadDependencies;
  /** The work tree the repository is checked out in. */
  workTree: string;
  dispose(): Promise<void>;
}

async function gitOutput(repo: string, args: string[]): Promise<string> {
  const child = spawn('git', ['-C', repo, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`git ${args.join(' ')} failed`);
  return out.trim();
}

/**
 * The files of the head commit. When head is what is checked out (the Action's case) the work tree itself is used,
 * so installed dependencies come along; otherwise the commit is exported with `git archive` into a temp dir and,
 * unless a setup command will install them, gets the node_modules installed in the work tree. `tempParent` is
 * where the export goes (default: the system's temp directory).
 */
export async function headTree(
  repo: string,
  headSha: string,
  options: { dependencies?: boolean; tempParent?: string } = {},
): Promise<HeadTree> {
  const top = await gitOutput(repo, ['rev-parse', '--show-toplevel']);
  const checkedOut = await gitOutput(repo, ['rev-parse', 'HEAD']).catch(() => '');
  if (checkedOut === headSha) return { dir: top, exported: false, workTree: top, dispose: async () => {} };

  const dir = await mkdtemp(join(options.tempParent ?? tmpdir(), 'afterburner-head-'));
  const child = spawn('git', ['-C', repo, 'archive', '--format=tar', headSha], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await pipeline(child.stdout, extract(dir));
  const dispose = () => rm(dir, { recursive: true, force: true });
  if ((await exited) !== 0) {
    await dispose();
    throw new Error(`git archive ${headSha} failed`);
  }
  let dependencies: HeadDependencies | undefined;
  try {
    if (options.dependencies !== false) dependencies = await bringDependencies(top, dir);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { dir, exported: true, workTree: top, dependencies, dispose };
}

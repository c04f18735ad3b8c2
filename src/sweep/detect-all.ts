import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as detect from '../detect/index.js';
import type { DetectResult } from '../detect/types.js';

const run = promisify(execFile);

export interface DetectAllOptions {
  repo: string;
  head?: string;
  include?: string[];
  exclude?: string[];
}

type DetectAll = (options: DetectAllOptions) => Promise<DetectResult>;

async function git(repo: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', repo, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * Every function of the head tree. Uses detect's `detectAllFunctions` when this build has it; otherwise diffs
 * the head tree against an empty commit, which makes every line "changed" (two dangling commit objects are
 * written to the repository; git gc removes them).
 */
export async function detectAllFunctions(options: DetectAllOptions): Promise<DetectResult> {
  const native = (detect as unknown as { detectAllFunctions?: DetectAll }).detectAllFunctions;
  if (native) return native(options);
  const headSha = await git(options.repo, ['rev-parse', '--verify', `${options.head ?? 'HEAD'}^{commit}`]);
  const emptyTree = await git(options.repo, ['hash-object', '-w', '-t', 'tree', '/dev/null']);
  const identity = ['-c', 'user.name=afterburner', '-c', 'user.email=afterburner@invalid'];
  const empty = await git(options.repo, [...identity, 'commit-tree', emptyTree, '-m', 'afterburner: empty']);
  const whole = await git(options.repo, [
    ...identity,
    'commit-tree',
    `${headSha}^{tree}`,
    '-p',
    empty,
    '-m',
    'afterburner: whole tree',
  ]);
  const result = await detect.detectChangedFunctions({ repo: options.repo, base: empty, head: whole });
  return { ...result, mergeBase: headSha, headSha };
}

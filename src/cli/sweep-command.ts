import { resolve } from 'node:path';
import type { RawReviewFlags } from '../config/review-flags.js';
import { assertWorkTree, resolveCommit } from '../detect/git.js';
import type { RunReport } from '../report/index.js';
import { selectSweepTargets } from '../sweep/select-targets.js';
import { parseShard } from '../sweep/shard.js';
import { type CommandIO, reviewCommand } from './review-command.js';

export interface RawSweepFlags extends Omit<RawReviewFlags, 'base' | 'head'> {
  ref?: string;
  shard?: string;
}

/** Functions a sweep takes when --max-functions is not given: the Action's default. */
export const sweepMaxFunctions = 20;

/**
 * `afterburner sweep`: the review pipeline on every function of the repository at --ref (the Action's scheduled
 * sweep, run locally), narrowed by --include/--exclude, the first --max-functions in path order, and --shard.
 */
export async function sweepCommand(raw: RawSweepFlags, io: CommandIO): Promise<RunReport> {
  const repo = resolve(io.cwd, raw.repo ?? '.');
  await assertWorkTree(repo);
  const ref = raw.ref ?? 'HEAD';
  const commit = await resolveCommit(repo, ref);
  const globs = (text: string | undefined) =>
    (text ?? '')
      .split(',')
      .map((glob) => glob.trim())
      .filter(Boolean);
  const maxFunctions = raw.maxFunctions === undefined ? sweepMaxFunctions : Number(raw.maxFunctions);
  const detection = await selectSweepTargets({
    repo,
    head: commit,
    filter: {
      include: globs(raw.include),
      exclude: globs(raw.exclude),
      maxFunctions: Number.isInteger(maxFunctions) && maxFunctions > 0 ? maxFunctions : sweepMaxFunctions,
      ...(raw.shard ? { shard: parseShard(raw.shard) } : {}),
    },
  });
  const { ref: _ref, shard: _shard, ...flags } = raw;
  return reviewCommand({ ...flags, repo, base: ref, head: ref }, io, detection);
}

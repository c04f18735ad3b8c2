import { resolve } from 'node:path';
import { settingNamed } from '../config/settings.js';
import { assertWorkTree, resolveCommit } from '../detect/git.js';
import type { RunReport } from '../report/index.js';
import { filterOf, selectSweepTargets } from '../sweep/select-targets.js';
import { parseShard } from '../sweep/shard.js';
import { type CommandIO, type ReviewRequest, reviewCommand } from './review-command.js';

export interface SweepRequest extends Omit<ReviewRequest, 'base' | 'head'> {
  ref?: string;
}

/** Functions a sweep takes when max-functions is not set: the Action's default. */
const sweepMaxFunctions = settingNamed('max-functions').actionDefault as number;

/**
 * `afterburner sweep`: the review pipeline on every function of the repository at --ref (the Action's scheduled
 * sweep, run locally), narrowed by include/exclude, the first max-functions in path order, and --shard.
 */
export async function sweepCommand(request: SweepRequest, io: CommandIO): Promise<RunReport> {
  const repo = resolve(io.cwd, request.repo ?? '.');
  await assertWorkTree(repo);
  const ref = request.ref ?? 'HEAD';
  const commit = await resolveCommit(repo, ref);
  const { ref: _ref, ...rest } = request;
  return reviewCommand({ ...rest, repo, base: ref, head: ref }, io, (config) =>
    selectSweepTargets({
      repo,
      head: commit,
      filter: filterOf(
        { ...config.detect, maxFunctions: config.detect.maxFunctions ?? sweepMaxFunctions },
        parseShard(config.publish.shard),
      ),
    }),
  );
}

import picomatch from 'picomatch';
import type { RunConfig } from '../config/run-config.js';
import { detectAllFunctions } from '../detect/index.js';
import type { DetectResult, Language, SkippedTarget, Target } from '../detect/types.js';
import { inShard, type Shard } from './shard.js';

export interface TargetFilter {
  include: string[];
  exclude: string[];
  languages?: Language[];
  maxFunctions: number;
  shard?: Shard;
}

/** The filter the detect section of a run's configuration asks for (and this job's shard, in a sweep). */
export function filterOf(detect: RunConfig['detect'], shard?: Shard): TargetFilter {
  return {
    include: detect.include,
    exclude: detect.exclude,
    ...(detect.languages ? { languages: detect.languages } : {}),
    maxFunctions: detect.maxFunctions ?? Number.POSITIVE_INFINITY,
    ...(shard ? { shard } : {}),
  };
}

/**
 * Narrows a detection to what this job should optimize: include/exclude globs and languages, then the first
 * max-functions targets in path order, then this job's shard. Capping before sharding keeps the union of all
 * shards equal to the capped list. Everything dropped, except other shards' targets, is reported as skipped.
 */
export function filterTargets(detection: DetectResult, filter: TargetFilter): DetectResult {
  const included = filter.include.length > 0 ? picomatch(filter.include, { dot: true }) : () => true;
  const excluded = filter.exclude.length > 0 ? picomatch(filter.exclude, { dot: true }) : () => false;
  const skipped: SkippedTarget[] = [...detection.skipped];
  const skip = (t: Target, reason: string) =>
    skipped.push({ path: t.path, name: t.name, startLine: t.startLine, endLine: t.endLine, reason });
  const chosen: Target[] = [];
  const ordered = [...detection.targets].sort((a, b) =>
    a.path === b.path ? a.startLine - b.startLine : a.path < b.path ? -1 : 1,
  );
  for (const target of ordered) {
    if (!included(target.path) || excluded(target.path)) continue;
    if (filter.languages && !filter.languages.includes(target.language)) {
      skip(target, `language ${target.language} is not in the languages input`);
    } else if (chosen.length >= filter.maxFunctions) {
      skip(target, `over max-functions (${filter.maxFunctions})`);
    } else {
      chosen.push(target);
    }
  }
  const targets = filter.shard ? inShard(chosen, (t) => t.id, filter.shard) : chosen;
  return { ...detection, targets, skipped };
}

/** Every function in the repository at `head`, narrowed by `filter`. */
export async function selectSweepTargets(input: {
  repo: string;
  head?: string;
  filter: TargetFilter;
}): Promise<DetectResult> {
  const all = await detectAllFunctions({
    repo: input.repo,
    head: input.head,
    include: input.filter.include,
    exclude: input.filter.exclude,
  });
  return filterTargets(all, input.filter);
}

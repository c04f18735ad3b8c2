import { renderSweepBody } from '../report/sweep-body.js';
import type { RunReport } from '../report/types.js';
import { applySuggestions } from '../sweep/apply-changes.js';
import type { GitHubClient } from './github-client.js';

export const sweepBranch = 'afterburner/sweep';
const sweepMarker = '<!-- afterburner:sweep -->';

export interface PublishSweepResult {
  pull?: { number: number; url: string; action: 'created' | 'updated' };
  branch?: 'created' | 'updated';
  applied: number;
  leftOut: number;
  /** Why the pull request was not opened or updated although the branch was pushed. */
  reason?: string;
}

/**
 * Commits the sweep's verified suggestions on top of the swept commit as branch `afterburner/sweep` and opens
 * (or updates) one pull request whose body is the report. Nothing is pushed when nothing was found.
 */
export async function publishSweep(input: {
  client: GitHubClient;
  repo: string;
  report: RunReport;
  /** Branch the pull request targets (the swept branch). */
  baseBranch: string;
}): Promise<PublishSweepResult> {
  const { client, report } = input;
  if (report.suggestions.length === 0) return { applied: 0, leftOut: 0 };
  const { files, leftOut } = await applySuggestions({
    repo: input.repo,
    headSha: report.headSha,
    suggestions: report.suggestions,
  });
  const applied = files.flatMap((f) => f.applied);
  if (applied.length === 0) return { applied: 0, leftOut: leftOut.length };
  const names = applied.map((s) => s.name);
  const title = `afterburner: ${applied.length} verified speedup${applied.length === 1 ? '' : 's'}`;
  const sha = await client.commitFiles({
    parent: report.headSha,
    message: `${title}\n\nFaster ${names.join(', ')}; each verified by the tests, a differential check and a benchmark.`,
    files: files.map((f) => ({ path: f.path, content: f.content })),
  });
  const branch = await client.forceBranch(sweepBranch, sha);
  const body = renderSweepBody({ report, applied, leftOut, marker: sweepMarker });
  const existing = await client.openPullFrom(sweepBranch);
  if (existing && !(await client.isOwn(existing.author))) {
    // GitHub allows one open pull request per branch pair; someone else's is theirs to edit, not ours.
    return {
      branch,
      applied: applied.length,
      leftOut: leftOut.length,
      reason: `${existing.url} from ${sweepBranch} was opened by ${existing.author?.login ?? 'someone else'}; afterburner does not edit it (pushed the branch only)`,
    };
  }
  if (existing) {
    await client.updatePull(existing.number, { title, body });
    return {
      branch,
      pull: { number: existing.number, url: existing.url, action: 'updated' },
      applied: applied.length,
      leftOut: leftOut.length,
    };
  }
  const created = await client.createPull({ head: sweepBranch, base: input.baseBranch, title, body });
  return {
    branch,
    pull: { ...created, action: 'created' },
    applied: applied.length,
    leftOut: leftOut.length,
  };
}

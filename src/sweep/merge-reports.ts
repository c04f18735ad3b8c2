import { AfterburnerError } from '../errors.js';
import type { RunReport } from '../report/types.js';

/**
 * One report from the reports of a sweep's shards (same commit). Suggestions are concatenated, skips that
 * every shard saw (file-level skips from detection) appear once, usage adds up.
 */
export function mergeReports(reports: RunReport[]): RunReport {
  const [first, ...rest] = reports;
  if (!first) throw new AfterburnerError('usage', 'no shard reports to merge');
  for (const report of rest) {
    if (report.headSha !== first.headSha) {
      throw new AfterburnerError(
        'usage',
        `shard reports are from different commits (${first.headSha.slice(0, 7)}, ${report.headSha.slice(0, 7)})`,
      );
    }
  }
  const seen = new Set<string>();
  const merged: RunReport = {
    ...first,
    suggestions: [],
    skipped: [],
    notices: [],
    functionsAnalysed: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
  };
  for (const report of reports) {
    merged.suggestions.push(...report.suggestions);
    for (const skip of report.skipped) {
      const key = JSON.stringify([skip.path, skip.name, skip.startLine, skip.reason]);
      if (!seen.has(key)) merged.skipped.push(skip);
      seen.add(key);
    }
    for (const notice of report.notices) if (!merged.notices.includes(notice)) merged.notices.push(notice);
    merged.usage.inputTokens += report.usage.inputTokens;
    merged.usage.outputTokens += report.usage.outputTokens;
    if (report.sandbox.kind === 'docker' && merged.sandbox.kind !== 'docker') merged.sandbox = report.sandbox;
  }
  // Detection's skips are the same in every shard; the targets each shard ran (suggested or skipped later) are its own.
  merged.functionsAnalysed =
    reports.reduce(
      (sum, r) => sum + r.suggestions.length + r.skipped.filter((s) => s.stage !== 'detect').length,
      0,
    ) + merged.skipped.filter((s) => s.stage === 'detect' && s.name).length;
  merged.suggestions.sort((a, b) =>
    a.path === b.path ? a.startLine - b.startLine : a.path < b.path ? -1 : 1,
  );
  return merged;
}

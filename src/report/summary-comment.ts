import { verdictEstimate } from '../harness/scaled-benchmark.js';
import { iterationsText, skippedCandidates } from './candidates-section.js';
import { type BodyPart, changeText, fitBody, maxCommentChars, plural } from './comment-parts.js';
import { ciText } from './format.js';
import { inert } from './inert.js';
import type { RunReport } from './types.js';

export interface SummaryCommentOptions {
  report: RunReport;
  /** The hidden marker that makes this the one sticky comment of the pull request. */
  marker: string;
  /** Why nothing was posted inline (read-only token, fork…), when that happened. */
  postingNote?: string;
}

/** The sticky summary comment: what was found, what was skipped and why, in a few lines. */
export function renderSummaryComment(options: SummaryCommentOptions): string {
  const { report } = options;
  const parts: (string | BodyPart)[] = [
    `### afterburner: ${plural(report.suggestions.length, 'verified speedup')} in ` +
      `${plural(report.functionsAnalysed, 'changed function')}`,
  ];
  if (report.suggestions.length > 0) {
    const rows = report.suggestions.map(
      (s) =>
        `| ${inert(s.name, 'code-cell')} | ${inert(`${s.path}:${s.startLine}`, 'code-cell')} | ` +
        `${changeText(s.benchmark)} | ${ciText(verdictEstimate(s.benchmark))} |`,
    );
    parts.push(['| function | where | change | interval |', '| --- | --- | --- | --- |', ...rows].join('\n'));
  } else {
    parts.push('No verified speedup this time: nothing to suggest.');
  }
  if (options.postingNote) parts.push(`> ${options.postingNote}`);
  if (report.skipped.length > 0) {
    const rows = report.skipped.map((s) => {
      const where = s.startLine ? `${s.path}:${s.startLine}` : s.path;
      return `| ${s.name ? inert(s.name, 'code-cell') : '—'} | ${inert(where, 'code-cell')} | ${inert(s.reason, 'cell')} |`;
    });
    parts.push(
      `<details>\n<summary>${plural(report.skipped.length, 'function or file')} not optimized</summary>\n\n` +
        ['| function | where | reason |', '| --- | --- | --- |', ...rows].join('\n') +
        '\n\n</details>',
    );
    // The suggestions' own comments show their candidates; the functions given up show theirs here.
    parts.push(...skippedCandidates(report.skipped).map((text) => ({ text, keep: 1 })));
  }
  const { provider, usage } = report;
  parts.push(
    `<sub>afterburner ${inert(report.tool.version)} · head ${report.headSha.slice(0, 7)} · ${inert(provider.name, 'code')} ` +
      `(${inert(provider.model, 'code')}) · ${iterationsText(report)} · ` +
      `tokens ${usage.inputTokens} in / ${usage.outputTokens} out · sandbox: ${inert(report.sandbox.description)}</sub>`,
    options.marker,
  );
  const body = parts.map((p) => (typeof p === 'string' ? { text: p } : p));
  return fitBody(body, maxCommentChars) ?? body.map((p) => p.text).join('\n\n');
}

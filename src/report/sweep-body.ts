import { candidatesSection, iterationsText, skippedCandidates } from './candidates-section.js';
import {
  type BodyPart,
  benchmarkTable,
  codeBlock,
  details,
  evidenceText,
  fitBody,
  functionPatch,
  lineSpan,
  maxCommentChars,
  plural,
  speedupHeadline,
} from './comment-parts.js';
import { inert } from './inert.js';
import type { RunReport, SuggestionReport } from './types.js';

export interface SweepBodyOptions {
  report: RunReport;
  /** Suggestions committed on the branch (others overlapped and were left out). */
  applied: SuggestionReport[];
  leftOut: SuggestionReport[];
  marker: string;
  limit?: number;
}

/** The sweep pull request's body: the report of the changes it holds, trimmed in a fixed order to fit. */
export function renderSweepBody(options: SweepBodyOptions): string {
  const { report, applied } = options;
  const parts: BodyPart[] = [
    {
      text:
        `afterburner swept ${plural(report.functionsAnalysed, 'function')} at ${report.headSha.slice(0, 7)} and ` +
        `found ${plural(applied.length, 'verified speedup')}; this branch applies ${applied.length === 1 ? 'it' : 'them'}.`,
    },
    {
      text: [
        '| function | where | change |',
        '| --- | --- | --- |',
        ...applied.map(
          (s) =>
            `| ${inert(s.name, 'code-cell')} | ${inert(`${s.path}:${s.startLine}`, 'code-cell')} | ${speedupHeadline(s)} |`,
        ),
      ].join('\n'),
    },
  ];
  applied.forEach((s, index) => {
    const keep = 10 + (applied.length - index);
    parts.push(
      {
        text: `### ${inert(s.name, 'code')} in ${inert(s.path, 'code')} (${lineSpan(s.startLine, s.endLine)})`,
        keep: keep + 3,
      },
      { text: benchmarkTable(s), keep: keep + 2 },
      { text: evidenceText(s), keep: keep + 1 },
      { text: details('Patch', codeBlock(functionPatch(s), 'diff')), keep },
      { text: candidatesSection(s.candidates), keep: 2 },
    );
  });
  if (options.leftOut.length > 0) {
    parts.push({
      text: `Left out because their lines overlap another change in the same file: ${options.leftOut
        .map((s) => inert(`${s.path}:${s.name}`, 'code'))
        .join(', ')}.`,
      keep: 9,
    });
  }
  if (report.skipped.length > 0) {
    const rows = report.skipped.map((s) => {
      const where = s.startLine ? `${s.path}:${s.startLine}` : s.path;
      return `| ${s.name ? inert(s.name, 'code-cell') : '—'} | ${inert(where, 'code-cell')} | ${inert(s.reason, 'cell')} |`;
    });
    parts.push({
      text: details(
        `${plural(report.skipped.length, 'function or file')} not optimized`,
        ['| function | where | reason |', '| --- | --- | --- |', ...rows].join('\n'),
      ),
      keep: 1,
    });
    parts.push(...skippedCandidates(report.skipped).map((text) => ({ text, keep: 0 })));
  }
  const { provider, usage } = report;
  parts.push(
    {
      text:
        `<sub>afterburner ${inert(report.tool.version)} · ${inert(provider.name, 'code')} (${inert(provider.model, 'code')}) · ` +
        `${iterationsText(report)} · tokens ${usage.inputTokens} in / ` +
        `${usage.outputTokens} out · sandbox: ${inert(report.sandbox.description)}</sub>`,
      keep: 8,
    },
    { text: options.marker },
  );
  return (
    fitBody(parts, options.limit ?? maxCommentChars) ??
    fitBody(parts.slice(0, 1).concat(parts.slice(-1))) ??
    ''
  );
}

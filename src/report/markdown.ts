import { candidatesSection, iterationsText, skippedCandidates } from './candidates-section.js';
import { benchmarkTable, evidenceText, iterationChart, plural, speedupHeadline } from './comment-parts.js';
import { fenceFor } from './format.js';
import { inert } from './inert.js';
import { type RunReport, type SkipReport, type SuggestionReport, sandboxNotStarted } from './types.js';

/** A GitHub suggestion block: committing it replaces exactly lines startLine..endLine with the candidate. */
export function suggestionBlock(code: string): string {
  const fence = fenceFor(code);
  return `${fence}suggestion\n${code}\n${fence}`;
}

function lineRange(startLine: number, endLine: number): string {
  return startLine === endLine ? `line ${startLine}` : `lines ${startLine}–${endLine}`;
}

function suggestionSection(s: SuggestionReport): string {
  const parts = [
    `### ${inert(s.name, 'code')} in ${inert(s.path, 'code')}: ${speedupHeadline(s)}`,
    `Replaces ${lineRange(s.startLine, s.endLine)}:`,
    suggestionBlock(s.replacement),
  ];
  if (s.importEdit) {
    const { startLine, endLine, replacement } = s.importEdit;
    parts.push(
      `It needs new imports; also replace ${lineRange(startLine, endLine)}:`,
      suggestionBlock(replacement),
    );
  }
  parts.push(benchmarkTable(s), evidenceText(s));
  const chart = iterationChart(s);
  if (chart) parts.push(chart);
  const tried = candidatesSection(s.candidates);
  if (tried) parts.push(tried);
  return parts.join('\n\n');
}

function skippedTable(skipped: SkipReport[]): string {
  const rows = skipped.map((s) => {
    const where = s.startLine ? `${s.path}:${s.startLine}` : s.path;
    return `| ${s.name ? inert(s.name, 'code-cell') : '—'} | ${inert(where, 'code-cell')} | ${inert(s.reason, 'cell')} |`;
  });
  return ['| function | where | reason |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The whole run as Markdown: suggestions with their evidence, then everything skipped and why. */
export function renderMarkdownReport(report: RunReport): string {
  const parts = ['# afterburner report'];
  parts.push(
    `**${plural(report.suggestions.length, 'verified speedup')}** in ${plural(report.functionsAnalysed, 'changed function')} ` +
      `(${report.mergeBase.slice(0, 7)}…${report.headSha.slice(0, 7)}).`,
  );
  if (!report.sandbox.isolated && report.sandbox.description !== sandboxNotStarted.description) {
    parts.push(
      `> **Warning:** the sandbox was the process sandbox, which is **not isolated**: the repository's tests and ` +
        "the candidates ran with your user's privileges. Start a Docker daemon to isolate them.",
    );
  }
  for (const notice of report.notices) parts.push(`> ${inert(notice)}`);
  if (report.suggestions.length > 0) {
    parts.push('## Suggestions');
    for (const suggestion of report.suggestions) parts.push(suggestionSection(suggestion));
  }
  if (report.skipped.length > 0) {
    parts.push('## Not optimized', skippedTable(report.skipped), ...skippedCandidates(report.skipped));
  }
  const { settings, provider, usage } = report;
  parts.push(
    '---',
    `afterburner ${inert(report.tool.version)} · provider ${inert(provider.name, 'code')} (${inert(provider.model, 'code')}) · ` +
      `${iterationsText(report)} · minimum speedup ` +
      `${Math.round(settings.minSpeedup * 100)}% · tokens ${usage.inputTokens} in / ${usage.outputTokens} out · ` +
      `sandbox: ${inert(report.sandbox.description)}`,
  );
  return `${parts.join('\n\n')}\n`;
}

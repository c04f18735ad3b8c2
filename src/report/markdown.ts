import { fenceFor, formatDuration, formatRatio, inlineCode, tableCell } from './format.js';
import type { RunReport, SkipReport, SuggestionReport } from './types.js';

function headline(s: SuggestionReport): string {
  const { speedup, low, high, confidence } = s.benchmark.estimate;
  return `${formatRatio(speedup)} faster (${Math.round(confidence * 100)}% CI ${low.toFixed(2)}–${formatRatio(high)})`;
}

/** A GitHub suggestion block: committing it replaces exactly lines startLine..endLine with the candidate. */
export function suggestionBlock(code: string): string {
  const fence = fenceFor(code);
  return `${fence}suggestion\n${code}\n${fence}`;
}

function benchmarkTable(s: SuggestionReport): string {
  const b = s.benchmark;
  const { low, high } = b.estimate;
  return [
    '| metric | before | after | change |',
    '| --- | ---: | ---: | --- |',
    `| time per pass over the ${b.calls} captured calls (median of ${b.rounds} rounds) | ${formatDuration(b.originalMedianNs)} | ${formatDuration(b.candidateMedianNs)} | ` +
      `${formatRatio(b.estimate.speedup)} faster (95% CI ${low.toFixed(2)}–${formatRatio(high)}) |`,
  ].join('\n');
}

function lineRange(startLine: number, endLine: number): string {
  return startLine === endLine ? `line ${startLine}` : `lines ${startLine}–${endLine}`;
}

function testEvidence(s: SuggestionReport): string {
  const { tests } = s;
  const files = tests.files && tests.files.length > 0 ? ` in ${tests.files.map(inlineCode).join(', ')}` : '';
  const count =
    tests.passedCount !== undefined ? `${plural(tests.passedCount, 'test')}${files} passed` : 'passed';
  return `tests: ${inlineCode(tests.command)} — ${count}`;
}

function suggestionSection(s: SuggestionReport): string {
  const parts = [
    `### ${inlineCode(s.name)} in ${inlineCode(s.path)}: ${headline(s)}`,
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
  parts.push(
    benchmarkTable(s),
    `Evidence: ${testEvidence(s)}; return values, errors and argument mutations matched the original on ` +
      `${plural(s.differentialCalls, 'call')} captured from the tests; found in iteration ${s.iteration}; each round ` +
      `replayed the calls ${s.benchmark.repeats}× with original and candidate interleaved.`,
  );
  return parts.join('\n\n');
}

function skippedTable(skipped: SkipReport[]): string {
  const rows = skipped.map((s) => {
    const where = s.startLine ? `${s.path}:${s.startLine}` : s.path;
    return `| ${s.name ? inlineCode(s.name) : '—'} | ${inlineCode(where)} | ${tableCell(s.reason)} |`;
  });
  return ['| function | where | reason |', '| --- | --- | --- |', ...rows].join('\n');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The whole run as Markdown: suggestions with their evidence, then everything skipped and why. */
export function renderMarkdownReport(report: RunReport): string {
  const parts = ['# afterburner report'];
  parts.push(
    `**${plural(report.suggestions.length, 'verified speedup')}** in ${plural(report.functionsAnalysed, 'changed function')} ` +
      `(${report.mergeBase.slice(0, 7)}…${report.headSha.slice(0, 7)}).`,
  );
  if (!report.sandbox.isolated) {
    parts.push(
      `> **Warning:** the sandbox was the process sandbox, which is **not isolated**: the repository's tests and ` +
        "the candidates ran with your user's privileges. Start a Docker daemon to isolate them.",
    );
  }
  for (const notice of report.notices) parts.push(`> ${notice}`);
  if (report.suggestions.length > 0) {
    parts.push('## Suggestions');
    for (const suggestion of report.suggestions) parts.push(suggestionSection(suggestion));
  }
  if (report.skipped.length > 0) parts.push('## Not optimized', skippedTable(report.skipped));
  const { settings, provider, usage } = report;
  parts.push(
    '---',
    `afterburner ${report.tool.version} · provider ${inlineCode(provider.name)} (${inlineCode(provider.model)}) · ` +
      `${settings.iterations} iterations × ${settings.candidates} candidates · minimum speedup ` +
      `${Math.round(settings.minSpeedup * 100)}% · tokens ${usage.inputTokens} in / ${usage.outputTokens} out · ` +
      `sandbox: ${report.sandbox.description}`,
  );
  return `${parts.join('\n\n')}\n`;
}

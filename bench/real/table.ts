import type { CaseRow } from './run-case.js';

function speedupText(row: CaseRow): string {
  if (!row.speedup) return '—';
  const { speedup, low, high } = row.speedup;
  return `${speedup.toFixed(2)}× [${low.toFixed(2)}–${high.toFixed(2)}]`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Upstream measured faster on the recorded calls: the benchmark's confidence interval lies above 1. */
export function upstreamFaster(row: CaseRow): boolean {
  return row.speedup !== undefined && row.speedup.low > 1;
}

export function renderTable(rows: CaseRow[]): string {
  const rulesOnly = rows.some((r) => r.rules !== undefined);
  const lines = [
    `| case | detected | ${rulesOnly ? 'rule proposed | ' : ''}tests selected | calls recorded | verdict | speedup | applied-and-green | s |`,
    `|---|---|${rulesOnly ? '---|' : ''}---|---|---|---|---|---|`,
  ];
  for (const r of rows) {
    const detected = r.detected === undefined ? '—' : r.detected ? 'yes' : 'no';
    const applied =
      r.appliedGreen === undefined
        ? '—'
        : !r.appliedGreen
          ? 'no (see details)'
          : r.appliedReason
            ? 'yes: fails as before any change (see details)'
            : 'yes';
    const rules = r.rules === undefined ? [] : [r.rules.length > 0 ? r.rules.join(', ') : 'none'];
    lines.push(
      `| ${[
        r.id,
        detected,
        ...(rulesOnly ? (rules.length ? rules : ['—']) : []),
        r.testsSelected ?? '—',
        r.callsRecorded === undefined ? '—' : String(r.callsRecorded),
        r.verdict,
        speedupText(r),
        applied,
        String(r.seconds),
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** The figures issue 12's targets are stated in. */
export function renderTotals(rows: CaseRow[], seconds: number): string {
  const n = rows.length;
  const detected = rows.filter((r) => r.detected).length;
  const suggested = rows.filter((r) => r.suggested).length;
  const explained = rows.filter((r) => r.explained).length;
  const faster = rows.filter(upstreamFaster);
  const fasterSuggested = faster.filter((r) => r.suggested).length;
  // The default --min-speedup: a win below it is never suggested, however sure.
  const clears = rows.filter((r) => r.speedup !== undefined && r.speedup.low > 1.1);
  const clearsSuggested = clears.filter((r) => r.suggested).length;
  const broke = rows.filter((r) => r.appliedGreen === false).length;
  const pct = (a: number, b: number) => (b === 0 ? '—' : `${Math.round((100 * a) / b)}%`);
  return [
    `- cases: ${n}; total run time ${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`,
    `- detected: ${detected}/${n}`,
    `- verified-or-explained: ${suggested + explained}/${n} (${suggested} suggested, ${explained} correct but not significantly faster)`,
    `- suggested where upstream is faster on the recorded inputs (interval above 1×): ${fasterSuggested}/${faster.length} (${pct(fasterSuggested, faster.length)}); upstream's speed was measured in ${rows.filter((r) => r.speedup).length} cases`,
    `- suggested where upstream's interval clears the default --min-speedup (1.10×): ${clearsSuggested}/${clears.length} (${pct(clearsSuggested, clears.length)})`,
    `- suggestions that broke upstream's tests: ${broke}/${suggested}`,
    ...(rows.some((r) => r.rules !== undefined)
      ? [
          `- rules only: a rule proposed a rewrite in ${rows.filter((r) => r.rules?.length).length}/${n} cases; verified and suggested in ${suggested}/${n} (${pct(suggested, n)})`,
        ]
      : []),
  ].join('\n');
}

/** The full reasons the table shortened, one section per case. */
export function renderDetails(rows: CaseRow[]): string {
  const parts = rows
    .filter((r) => r.detail || r.appliedReason)
    .map(
      (r) =>
        `### ${r.id}\n\n\`\`\`\n${r.detail ?? ''}${r.appliedReason ? `\nupstream's tests after applying: ${r.appliedReason}` : ''}\n\`\`\``,
    );
  return parts.length ? `## Details\n\n${parts.join('\n\n')}\n` : '';
}

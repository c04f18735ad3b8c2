import { formatPatch, structuredPatch } from 'diff';
import { headlineEstimate } from '../harness/scaled-benchmark.js';
import type { Benchmark, RepoBenchComparison } from '../harness/types.js';
import { complexityLabel, type SpeedupEstimate } from '../stats/index.js';
import { fenceFor, formatDuration, formatRatio } from './format.js';
import { inert } from './inert.js';
import type { SuggestionReport } from './types.js';

/** GitHub rejects comment bodies of 65,536 characters or more (422 "Body is too long"). */
export const maxCommentChars = 65_536;

export function ciText(estimate: { low: number; high: number; confidence: number }): string {
  return `${Math.round(estimate.confidence * 100)}% CI ${estimate.low.toFixed(2)}–${formatRatio(estimate.high)}`;
}

/** "1.80× faster, 95% CI 1.60–2.00×", or "12.40× faster at n = 5000, …" when the verdict rests on grown inputs. */
export function speedupHeadline(s: SuggestionReport): string {
  const estimate = headlineEstimate(s.benchmark);
  const decision = s.benchmark.decision;
  const at = decision?.benchmark
    ? ` on the repository's benchmark ${inert(decision.benchmark, 'code')}`
    : decision && decision.factor > 1 && decision.n !== undefined
      ? ` at n = ${decision.n}`
      : '';
  return `${formatRatio(estimate.speedup)} faster${at}, ${ciText(estimate)}`;
}

function change(estimate: SpeedupEstimate): string {
  return estimate.speedup >= 1
    ? `${formatRatio(estimate.speedup)} faster`
    : `${formatRatio(1 / estimate.speedup)} slower`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

function memoryRow(
  label: string,
  original: number,
  candidate: number,
  format: (n: number) => string,
): string {
  const change = memoryChange(original, candidate);
  return `| ${label} | — | ${format(original)} | ${format(candidate)} | ${change} | one run each |`;
}

/** "1.12× lower", "1.12× more": a ratio above 1 in the direction of the change, never "0.89× lower". */
export function memoryChange(original: number, candidate: number): string {
  if (original === candidate) return 'same';
  if (original <= 0) return 'more (from none)';
  if (candidate <= 0) return 'none left';
  return candidate < original
    ? `${formatRatio(original / candidate)} lower`
    : `${formatRatio(candidate / original)} more`;
}

/** Where a row's inputs came from, and how they were timed. */
function timeRow(
  source: string,
  n: number | undefined,
  row: Pick<Benchmark, 'calls' | 'rounds' | 'originalMedianNs' | 'candidateMedianNs' | 'estimate'>,
): string {
  return (
    `| ${source}: time per pass over ${plural(row.calls, 'call')} (median of ${row.rounds} rounds) | ` +
    `${n ? n : '—'} | ${formatDuration(row.originalMedianNs)} | ${formatDuration(row.candidateMedianNs)} | ` +
    `${change(row.estimate)} | ${ciText(row.estimate)} |`
  );
}

/** "~n² (2.02) → ~n (1.01), fitted over n = 500–5000": each version's empirical complexity. */
export function complexityText(b: Benchmark): string | undefined {
  if (!b.complexity) return undefined;
  const { original, candidate } = b.complexity;
  const fit = (e: number) => `${complexityLabel(e)} (${e.toFixed(2)})`;
  const sizes = [...new Set([...original.sizes, ...candidate.sizes])].sort((x, y) => x - y);
  const over =
    sizes.length > 1 ? `n = ${Math.round(sizes[0] as number)}–${Math.round(sizes.at(-1) as number)}` : '';
  return (
    `**Complexity:** ${fit(original.exponent)} → ${fit(candidate.exponent)} (log-log fit of time per call ` +
    `against input size over ${over})`
  );
}

/** One task of the repository's own benchmarks (its file and task names are the pull request's, so untrusted). */
function repositoryRow(row: RepoBenchComparison): string {
  const name = `${inert(row.file, 'code-cell')} › ${inert(row.task, 'cell')}`;
  return (
    `| repository benchmark ${name}: time per operation (median of ${row.rounds} runs) | — | ` +
    `${formatDuration(row.originalMedianNs)} | ${formatDuration(row.candidateMedianNs)} | ` +
    `${change(row.estimate)} | ${ciText(row.estimate)} |`
  );
}

// A benchmark file times many things; the rows that moved most say what the change did, the rest is noise.
const shownRepositoryTasks = 5;

function shownRepositoryRows(b: Benchmark): RepoBenchComparison[] {
  const moved = (row: RepoBenchComparison) => Math.abs(Math.log(row.estimate.speedup));
  return [...(b.repository ?? [])].sort((x, y) => moved(y) - moved(x)).slice(0, shownRepositoryTasks);
}

function repositoryNotesText(b: Benchmark): string | undefined {
  const hidden = (b.repository?.length ?? 0) - shownRepositoryTasks;
  const notes = [
    ...(b.repositoryNotes ?? []).map((n) => inert(n)),
    ...(hidden > 0 ? [`${plural(hidden, 'more task')} changed less (all are in the JSON report)`] : []),
  ];
  return notes.length > 0 ? `Repository benchmarks: ${notes.join('; ')}.` : undefined;
}

/** Why some grown inputs were left out (the function's own error messages, so untrusted). */
function scaleNotesText(b: Benchmark): string | undefined {
  const notes = b.scaleNotes ?? [];
  if (notes.length === 0) return undefined;
  const shown = notes.slice(0, 3).map((n) => inert(n));
  const more = notes.length > 3 ? `; and ${notes.length - 3} more` : '';
  return `Grown inputs left out: ${shown.join('; ')}${more}.`;
}

/**
 * Time on the tests' own inputs and at every scale grown from them (n = the largest input), peak memory and memory
 * integral when measured, then each version's complexity.
 */
export function benchmarkTable(s: SuggestionReport): string {
  const b = s.benchmark;
  const rows = [
    '| inputs | n | before | after | change | interval |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    timeRow("tests' own inputs", b.n, b),
    ...(b.scales ?? []).map((scale) =>
      timeRow(
        scale.source === 'model'
          ? "generated by the model's input generator"
          : `scaled ×${scale.factor} from recorded calls`,
        scale.n,
        scale,
      ),
    ),
    ...shownRepositoryRows(b).map(repositoryRow),
  ];
  if (b.memory) {
    const m = b.memory;
    rows.push(memoryRow('peak memory of the replay', m.originalPeakBytes, m.candidatePeakBytes, formatBytes));
    rows.push(
      memoryRow(
        'memory × time of the replay',
        m.originalIntegralMibMs,
        m.candidateIntegralMibMs,
        (n) => `${n.toFixed(1)} MiB·ms`,
      ),
    );
  }
  return [rows.join('\n'), complexityText(b), scaleNotesText(b), repositoryNotesText(b)]
    .filter(Boolean)
    .join('\n\n');
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

// Beyond these, the command and the test files go into a collapsed list: a paragraph naming 64 files says less.
const inlineCommandChars = 100;
const inlineFiles = 3;
const listedFiles = 200;

/** The tests in a few words: the command when short, the count, up to three files and how many more. */
function testsSummary(s: SuggestionReport): { text: string; full?: string } {
  const { tests } = s;
  const files = tests.files ?? [];
  const shortCommand = tests.command.length <= inlineCommandChars;
  const command = shortCommand ? ` (${inert(tests.command, 'code')})` : '';
  const shown = files.slice(0, inlineFiles).map((f) => inert(f, 'code'));
  const more = files.length > inlineFiles ? ` and ${files.length - inlineFiles} more` : '';
  const where =
    files.length > inlineFiles
      ? ` in ${plural(files.length, 'file')} (${shown.join(', ')}${more})`
      : files.length > 0
        ? ` in ${shown.join(', ')}`
        : '';
  const counted =
    tests.passedCount !== undefined ? `: ${plural(tests.passedCount, 'test')}${where} passed` : ' passed';
  const text =
    tests.runner === 'script'
      ? `no per-test results: the whole test command${command} ran and passed with this version; its exit code ` +
        'is the only evidence from the tests. Also, '
      : `the repository's tests${command}${counted} with this version, and `;
  if (shortCommand && files.length <= inlineFiles) return { text };
  const list = files.slice(0, listedFiles).map((f) => `- ${inert(f, 'code')}`);
  if (files.length > listedFiles) list.push(`- and ${files.length - listedFiles} more (see the JSON report)`);
  const body = [`Command: ${inert(tests.command, 'code', 4000)}`, list.join('\n')]
    .filter(Boolean)
    .join('\n\n');
  const summary = files.length > 0 ? `Tests run (${plural(files.length, 'file')})` : 'Test command';
  return { text, full: details(summary, body) };
}

/**
 * What was run to prove the candidate equal: the tests (counted, a few files named, all of them collapsed) and the
 * replayed calls; and what produced it.
 */
export function evidenceText(s: SuggestionReport): string {
  const tests = testsSummary(s);
  const by = s.source ? ` by ${inert(s.source)}` : '';
  const paragraph =
    `**Correctness:** ${tests.text}` +
    `${plural(s.differentialCalls, 'call')} recorded from those tests, replayed on it, gave the same return values, ` +
    `errors and argument mutations as the original. Found in iteration ${s.iteration}${by}; each timing round ` +
    `replayed the calls ${s.benchmark.repeats}× with original and candidate interleaved.` +
    preexistingText(s.tests.preexistingFailures);
  return tests.full ? `${paragraph}\n\n${tests.full}` : paragraph;
}

/** Tests that failed before any change: named, so a reader knows they were not evidence. */
function preexistingText(names: string[] | undefined): string {
  if (!names || names.length === 0) return '';
  const shown = names
    .slice(0, 5)
    .map((n) => inert(n, 'code'))
    .join(', ');
  const more = names.length > 5 ? ` and ${names.length - 5} more` : '';
  const verb = names.length === 1 ? 'fails' : 'fail';
  return ` ${plural(names.length, 'test')} ${verb} before any change; not used as evidence: ${shown}${more}.`;
}

/** A mermaid line chart of the best speedup after each iteration; undefined when not recorded. */
export function iterationChart(s: SuggestionReport): string | undefined {
  const { history } = s;
  if (!history || history.length < 2) return undefined;
  const top = Math.max(...history.map((h) => h.bestSpeedup));
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Best speedup per iteration"',
    `  x-axis [${history.map((h) => h.iteration).join(', ')}]`,
    `  y-axis "speedup (×)" 0 --> ${Math.ceil(top * 1.1 * 10) / 10}`,
    `  line [${history.map((h) => h.bestSpeedup.toFixed(2)).join(', ')}]`,
    '```',
  ].join('\n');
}

/** A unified diff of the function's lines at their real position in the head file, for `git apply`. */
export function functionPatch(s: SuggestionReport): string {
  const patch = structuredPatch(s.path, s.path, `${s.original}\n`, `${s.replacement}\n`, '', '', {
    context: 3,
  });
  for (const hunk of patch.hunks) {
    hunk.oldStart += s.startLine - 1;
    hunk.newStart += s.startLine - 1;
  }
  patch.oldFileName = `a/${s.path}`;
  patch.newFileName = `b/${s.path}`;
  return formatPatch(patch)
    .split('\n')
    .filter((line) => !line.startsWith('====='))
    .join('\n')
    .trimEnd();
}

export function codeBlock(code: string, language: string): string {
  const fence = fenceFor(code);
  return `${fence}${language}\n${code}\n${fence}`;
}

export function details(summary: string, body: string): string {
  return `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

export function lineSpan(start: number, end: number): string {
  return start === end ? `line ${start}` : `lines ${start}–${end}`;
}

/** A body part; optional parts are dropped, lowest `keep` first, until the body fits GitHub's limit. */
export interface BodyPart {
  text: string;
  /** Undefined: never dropped. Lower numbers are dropped first. */
  keep?: number;
}

/** The parts joined, without optional parts as needed; undefined when even the required parts do not fit. */
export function fitBody(parts: BodyPart[], limit = maxCommentChars): string | undefined {
  const kept = parts.filter((p) => p.text !== '');
  const join = (list: BodyPart[]) => list.map((p) => p.text).join('\n\n');
  const droppable = kept
    .filter((p) => p.keep !== undefined)
    .sort((a, b) => (a.keep as number) - (b.keep as number));
  let current = kept;
  for (const part of droppable) {
    if (join(current).length < limit) break;
    current = current.filter((p) => p !== part);
  }
  const body = join(current);
  // Never cut a body short: a truncated suggestion block would commit half a function.
  return body.length < limit ? body : undefined;
}

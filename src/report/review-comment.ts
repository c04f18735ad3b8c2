import { candidatesSection } from './candidates-section.js';
import {
  benchmarkTable,
  codeBlock,
  details,
  evidenceText,
  fitBody,
  functionPatch,
  iterationChart,
  lineSpan,
  maxCommentChars,
  speedupHeadline,
} from './comment-parts.js';
import { fenceFor } from './format.js';
import { inert } from './inert.js';
import type { SuggestionReport } from './types.js';

/** Inline: a suggestion block on the exact lines. File: GitHub cannot anchor the lines, so show code and patch. */
export type Placement = 'inline' | 'file';

export interface CommentFooter {
  version: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** Only when the provider reported a price; never estimated here. */
  costUsd?: number;
  /** Where the figures were measured, when that was not this run (a fork's workflow run, for mode post). */
  provenance?: string;
}

export interface SuggestionCommentOptions {
  suggestion: SuggestionReport;
  placement: Placement;
  /** Where the import suggestion went, when the candidate needs new imports. */
  importPlacement?: Placement;
  footer: CommentFooter;
  /** The hidden fingerprint marker, from src/github/fingerprint.ts. */
  marker: string;
  limit?: number;
}

/** A GitHub suggestion block; committing it replaces exactly the commented lines with `code`. */
function suggestion(code: string): string {
  const fence = fenceFor(code);
  return `${fence}suggestion\n${code}\n${fence}`;
}

function footerText(f: CommentFooter): string {
  const cost = f.costUsd !== undefined ? ` · cost $${f.costUsd.toFixed(4)}` : '';
  return (
    (f.provenance ? `> ${f.provenance}\n\n` : '') +
    `<sub>afterburner ${inert(f.version)} · ${inert(f.provider, 'code')} (${inert(f.model, 'code')}) · tokens for this run ` +
    `${f.inputTokens} in / ${f.outputTokens} out${cost}</sub>`
  );
}

function importNote(s: SuggestionReport, placement: Placement | undefined): string {
  if (!s.importEdit || !placement) return '';
  const where = lineSpan(s.importEdit.startLine, s.importEdit.endLine);
  return placement === 'inline'
    ? `This version needs new imports: also commit the suggestion on ${where}.`
    : `This version needs new imports: apply the import change shown in the file-level comment (${where}).`;
}

function unplaceable(options: SuggestionCommentOptions): string {
  const s = options.suggestion;
  return [
    `**${inert(s.name, 'code')}: ${speedupHeadline(s)}**`,
    'The replacement is too large for a GitHub comment; it is in the job summary and the JSON report of this run.',
    footerText(options.footer),
    options.marker,
  ].join('\n\n');
}

/** The body of the review comment for one verified suggestion. */
export function renderSuggestionComment(options: SuggestionCommentOptions): string {
  const s = options.suggestion;
  const span = lineSpan(s.startLine, s.endLine);
  const code =
    options.placement === 'inline'
      ? [{ text: suggestion(s.replacement) }]
      : [
          {
            text:
              `GitHub only offers one-click suggestions on lines inside one hunk of the diff, and ${span} of ` +
              `${inert(s.path, 'code')} are not, so here is the replacement for ${span}:`,
          },
          { text: details(`Replacement for ${span}`, codeBlock(s.replacement, s.language)) },
          { text: details('As a patch', codeBlock(functionPatch(s), 'diff')), keep: 2 },
        ];
  const chart = iterationChart(s);
  const body = fitBody(
    [
      { text: `**${inert(s.name, 'code')}: ${speedupHeadline(s)}**` },
      ...code,
      { text: importNote(s, options.importPlacement) },
      { text: benchmarkTable(s), keep: 4 },
      { text: evidenceText(s), keep: 3 },
      { text: chart ? details('Best speedup per iteration', chart) : '', keep: 1 },
      { text: candidatesSection(s.candidates), keep: 2 },
      { text: footerText(options.footer), keep: 5 },
      { text: options.marker },
    ],
    options.limit ?? maxCommentChars,
  );
  return body ?? unplaceable(options);
}

export interface ImportCommentOptions {
  suggestion: SuggestionReport;
  placement: Placement;
  marker: string;
}

/** The second comment for a candidate that needs new imports: a suggestion on the import lines. */
export function renderImportComment(options: ImportCommentOptions): string {
  const s = options.suggestion;
  const edit = s.importEdit;
  if (!edit) throw new Error(`${s.path}:${s.name} has no import edit`);
  const purpose = `Imports needed by the faster ${inert(s.name, 'code')} (${lineSpan(s.startLine, s.endLine)}).`;
  const change =
    options.placement === 'inline'
      ? suggestion(edit.replacement)
      : `Replace ${lineSpan(edit.startLine, edit.endLine)} of ${inert(s.path, 'code')} with:\n\n` +
        codeBlock(edit.replacement, s.language);
  return [purpose, change, options.marker].join('\n\n');
}

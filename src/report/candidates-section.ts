import { type CandidateEvidence, candidateReasonLines } from '../optimize/candidate-evidence.js';
import { details, plural } from './comment-parts.js';
import { inert } from './inert.js';
import type { RunReport, SkipReport } from './types.js';

/** One list item per candidate: who proposed it and what became of it, in the words the model was given. */
function candidateItem(c: CandidateEvidence): string {
  const lines = candidateReasonLines(c).flatMap((l) => l.split('\n'));
  const [first = '', ...rest] = lines.map((l) => l.trim()).filter(Boolean);
  const who =
    c.candidate > 0 ? `iteration ${c.iteration}, candidate ${c.candidate}` : `iteration ${c.iteration}`;
  const head = `- ${who} (${inert(c.source)}): ${inert(first)}`;
  return [head, ...rest.map((l) => `  - ${inert(l)}`)].join('\n');
}

/** The collapsed "Candidates tried (N)" section of one function; '' when it kept no candidates. */
export function candidatesSection(candidates: readonly CandidateEvidence[] | undefined): string {
  if (!candidates || candidates.length === 0) return '';
  const tried = candidates.filter((c) => c.verdict !== 'model-error').length;
  return details(`Candidates tried (${tried})`, candidates.map(candidateItem).join('\n'));
}

/** "2 of up to 5 iterations run · 9 candidates tried (up to 4 per iteration)"; the settings for older reports. */
export function iterationsText(report: RunReport): string {
  const { settings } = report;
  const functions = [...report.suggestions, ...report.skipped.filter((s) => s.stage === 'optimize')];
  const configured = `${plural(settings.iterations, 'iteration')} × ${plural(settings.candidates, 'candidate')}`;
  // Reports written before candidates were kept say only what was configured.
  if (report.suggestions.some((s) => s.candidates === undefined)) return `up to ${configured}`;
  const kept = functions.flatMap((f) => f.candidates ?? []);
  // An iteration whose request failed still ran; it tried no candidate.
  const ran = Math.max(0, ...kept.map((c) => c.iteration));
  const rules = kept.some((c) => c.iteration === 0) ? ' after the rule catalog' : '';
  const tried = kept.filter((c) => c.verdict !== 'model-error');
  return (
    `${ran} of up to ${plural(settings.iterations, 'iteration')} run${rules} · ` +
    `${plural(tried.length, 'candidate')} tried (up to ${settings.candidates} per iteration)`
  );
}

/** For each function given up after trying candidates: its name and place, then what each candidate did. */
export function skippedCandidates(skipped: SkipReport[]): string[] {
  return skipped
    .filter((s) => s.candidates && s.candidates.length > 0)
    .map((s) => {
      const where = inert(s.startLine ? `${s.path}:${s.startLine}` : s.path, 'code');
      return `${s.name ? inert(s.name, 'code') : '—'} in ${where}:\n\n${candidatesSection(s.candidates)}`;
    });
}

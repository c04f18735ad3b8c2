import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { applyLineEdits, type LineEdit } from '../harness/apply-candidate.js';
import type { SuggestionReport } from '../report/types.js';

const run = promisify(execFile);

export interface ChangedFile {
  path: string;
  content: string;
  /** Suggestions applied to this file. */
  applied: SuggestionReport[];
}

/**
 * The head files with every verified suggestion applied (function and import edits). A suggestion whose
 * edits overlap one already applied to the file is left out, never half-applied.
 */
export async function applySuggestions(input: {
  repo: string;
  headSha: string;
  suggestions: SuggestionReport[];
}): Promise<{ files: ChangedFile[]; leftOut: SuggestionReport[] }> {
  const byPath = new Map<string, SuggestionReport[]>();
  for (const s of input.suggestions) byPath.set(s.path, [...(byPath.get(s.path) ?? []), s]);
  const files: ChangedFile[] = [];
  const leftOut: SuggestionReport[] = [];
  for (const [path, suggestions] of byPath) {
    const { stdout: original } = await run('git', ['-C', input.repo, 'show', `${input.headSha}:${path}`], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const edits: LineEdit[] = [];
    const applied: SuggestionReport[] = [];
    for (const s of suggestions) {
      const own: LineEdit[] = [
        { startLine: s.startLine, endLine: s.endLine, original: s.original, replacement: s.replacement },
        ...(s.importEdit ? [s.importEdit] : []),
      ];
      try {
        applyLineEdits(original, [...edits, ...own]);
        edits.push(...own);
        applied.push(s);
      } catch {
        leftOut.push(s);
      }
    }
    if (applied.length > 0) files.push({ path, content: applyLineEdits(original, edits), applied });
  }
  return { files, leftOut };
}

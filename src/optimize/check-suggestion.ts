import { analyzeFile } from '../detect/analyze-file.js';
import { languageForPath } from '../detect/languages/index.js';
import type { Language, Target } from '../detect/types.js';
import type { LineEdit } from '../harness/apply-candidate.js';
import type { ProjectDependencies } from './dependencies.js';
import { checkCandidateCode, leadingImports } from './extract.js';

/** The code-bearing part of a suggestion in a report. */
export interface StoredSuggestion {
  path: string;
  name: string;
  language: Language;
  startLine: number;
  endLine: number;
  replacement: string;
  importEdit?: LineEdit;
}

/** The function that lines startLine–endLine of the file hold, as detection sees it. */
async function targetAt(s: StoredSuggestion, fileText: string): Promise<Target | string> {
  const language = languageForPath(s.path);
  if (!language || language.language !== s.language) return `${s.path} is not a ${s.language} file`;
  const { targets } = await analyzeFile({
    path: s.path,
    language,
    text: fileText,
    maxFunctionLines: Number.MAX_SAFE_INTEGER,
  });
  const there = targets.filter((t) => t.startLine === s.startLine && t.endLine === s.endLine);
  const target = there.find((t) => t.name === s.name) ?? there[0];
  if (!target) return `lines ${s.startLine}–${s.endLine} do not hold one function at the head commit`;
  if (target.name !== s.name) {
    return `it names \`${s.name}\`, but lines ${s.startLine}–${s.endLine} hold \`${target.name}\``;
  }
  return target;
}

/**
 * The lines an import edit adds: it rewrites one line as that line plus new imports (above it at the top of the
 * file, else below), and nothing else may ride along, since those lines land outside the function.
 */
async function addedImports(s: StoredSuggestion): Promise<string[] | string> {
  const edit = s.importEdit;
  if (!edit) return [];
  const lines = edit.replacement.split('\n');
  const added =
    lines.at(0) === edit.original
      ? lines.slice(1)
      : lines.at(-1) === edit.original
        ? lines.slice(0, -1)
        : undefined;
  if (!added) return `its import edit rewrites line ${edit.startLine} instead of adding lines to it`;
  const { imports, rest } = await leadingImports(added.join('\n'), s.language);
  if (rest.trim() !== '') return `its import edit adds code that is not an import statement`;
  return imports;
}

/**
 * Why a suggestion read from a report (written by another job, which may be a fork's) may not be posted, or
 * undefined when it may: its code passes the very checks a fresh candidate passes before it runs
 * (checkCandidateCode), against the function the head commit holds on its lines. Tests and measurements are
 * not repeated here; the caller says so.
 */
export async function storedSuggestionProblem(input: {
  suggestion: StoredSuggestion;
  /** The file's text at the head commit. */
  fileText: string;
  /** What the head commit declares. */
  dependencies: ProjectDependencies;
}): Promise<string | undefined> {
  const s = input.suggestion;
  const target = await targetAt(s, input.fileText);
  if (typeof target === 'string') return target;
  const imports = await addedImports(s);
  if (typeof imports === 'string') return imports;
  const checked = await checkCandidateCode([...imports, s.replacement].join('\n'), target, {
    dependencies: input.dependencies,
  });
  if (!checked.ok) return checked.reason.replace(/^format error: /, '').replace(/^the candidate /, 'it ');
  // What would be posted must be what was checked, not a text the checks would have reshaped first.
  const posted = (await leadingImports(s.replacement, s.language)).rest;
  if (posted.trim() !== checked.source.trim()) {
    return 'its replacement is not the function text the checks read (reshaped or wrapped)';
  }
  return undefined;
}

import * as core from '@actions/core';
import { type ProjectDependencies, storedSuggestionProblem } from '../optimize/index.js';
import type { RunReport, SuggestionReport } from '../report/index.js';

/** The commit a report claims to be about, read from a source this job trusts (GitHub's API, its own checkout). */
export interface HeadCommit {
  /** A file's text at the head commit, or undefined when it cannot be read. */
  fileAt(path: string): Promise<string | undefined>;
  /** What the head commit declares (package.json, requirements, pyproject.toml, its own Python modules). */
  dependencies(): Promise<ProjectDependencies>;
  /** The files a pull request changes; absent for a sweep, which may touch any file. */
  changedFiles?: Set<string>;
}

function linesOf(text: string, start: number, end: number): string {
  return text
    .split('\n')
    .slice(start - 1, end)
    .join('\n');
}

/**
 * Why a suggestion may not be published, or undefined when it may. Where it goes: a file the pull request
 * changes, whose lines at the head commit are exactly the code it replaces. What it says: code that passes the
 * checks a fresh candidate passes before it runs (syntax, name, parameters, export, dependencies, capabilities).
 */
async function problemOf(s: SuggestionReport, head: HeadCommit): Promise<string | undefined> {
  if (head.changedFiles && !head.changedFiles.has(s.path)) {
    return `${s.path} is not a file this pull request changes`;
  }
  if (s.endLine < s.startLine) return `lines ${s.startLine}–${s.endLine} are not a range`;
  const text = await head.fileAt(s.path);
  if (text === undefined) return `${s.path} cannot be read at the head commit`;
  if (linesOf(text, s.startLine, s.endLine) !== s.original) {
    return `the code it replaces is not what lines ${s.startLine}–${s.endLine} hold at the head commit`;
  }
  const edit = s.importEdit;
  if (
    edit &&
    (edit.endLine < edit.startLine || linesOf(text, edit.startLine, edit.endLine) !== edit.original)
  ) {
    return `its import lines ${edit.startLine}–${edit.endLine} do not match the head commit`;
  }
  return storedSuggestionProblem({ suggestion: s, fileText: text, dependencies: await head.dependencies() });
}

/**
 * A report another job wrote, keeping only the suggestions that pass problemOf. Each one dropped is a warning
 * and a notice (the job summary and the summary comment show notices) naming the function and the reason.
 */
export async function checkReportSuggestions(report: RunReport, head: HeadCommit): Promise<RunReport> {
  const kept: SuggestionReport[] = [];
  const notices = [...report.notices];
  for (const s of report.suggestions) {
    const why = await problemOf(s, head);
    if (!why) {
      kept.push(s);
      continue;
    }
    const line = `not posted: ${s.name} in ${s.path}: ${why}`;
    core.warning(`afterburner: ${line}`);
    notices.push(line);
  }
  return { ...report, suggestions: kept, notices };
}

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import * as core from '@actions/core';
import { AfterburnerError } from '../errors.js';
import type { GitHubClient } from '../github/github-client.js';
import type { RunReport, SuggestionReport } from '../report/index.js';
import { inert } from '../report/inert.js';
import type { ActionEvent } from './event.js';
import type { ActionInputs } from './inputs.js';
import { type Outputs, writeReports } from './outputs.js';
import { publishToPull } from './publish-to-pull.js';
import { jsonFilesUnder, readReportFile } from './report-files.js';

type PostEvent = Extract<ActionEvent, { kind: 'post' }>;

async function reportFile(location: string): Promise<string> {
  const info = await stat(location).catch(() => undefined);
  if (!info) throw new AfterburnerError('usage', `input 'reports': ${location} does not exist`);
  if (info.isFile()) return location;
  const files = await jsonFilesUnder(location);
  const preferred = files.filter((f) => basename(f) === 'afterburner-report.json');
  const chosen = preferred.length === 1 ? preferred : files;
  if (chosen.length !== 1) {
    throw new AfterburnerError(
      'usage',
      `input 'reports': expected one .json report in ${location}, found ${files.length}`,
    );
  }
  return chosen[0] as string;
}

function linesOf(text: string, start: number, end: number): string {
  return text
    .split('\n')
    .slice(start - 1, end)
    .join('\n');
}

/**
 * Why a suggestion from the artifact may not be posted, or undefined when it may: it must sit in a file the pull
 * request changed, and the code it replaces must be exactly what the head commit holds on those lines.
 */
async function mismatch(
  s: SuggestionReport,
  changedFiles: Set<string>,
  fileAtHead: (path: string) => Promise<string | undefined>,
): Promise<string | undefined> {
  if (!changedFiles.has(s.path)) return `${s.path} is not a file this pull request changes`;
  if (s.endLine < s.startLine) return `lines ${s.startLine}–${s.endLine} are not a range`;
  const text = await fileAtHead(s.path);
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
  return undefined;
}

/**
 * A fork controls the run that measured its code, so its comments say so: the code was checked against the pull
 * request here, the figures could not be.
 */
function provenanceOf(event: PostEvent, pull: { headRepo?: string; baseRepo: string }): string | undefined {
  if (!pull.headRepo || pull.headRepo === pull.baseRepo) return undefined;
  const url = event.runUrl && /^https:\/\/[^\s()]+$/.test(event.runUrl) ? event.runUrl : undefined;
  const run = url ? `[workflow run ${event.runId}](${url})` : `workflow run ${event.runId}`;
  return (
    `Measured by ${run} on ${inert(pull.headRepo, 'code')}, a fork, which controls that run: afterburner checked ` +
    'that this code is what the pull request holds, not the figures. Read the change before committing it.'
  );
}

/**
 * mode post, on `workflow_run`: posts the report that a `pull_request` run computed and uploaded. The artifact is
 * untrusted (a fork controls its own workflow run), so it is tied to what GitHub itself says: the run's head
 * commit, the pull request's current head, the files it changes and their contents at that commit. Nothing from
 * the pull request is checked out or run here.
 */
export async function postReport(input: {
  inputs: ActionInputs;
  event: PostEvent;
  client?: GitHubClient;
  outDir: string;
}): Promise<Outputs> {
  const { inputs, event, client } = input;
  if (!inputs.reports) {
    throw new AfterburnerError(
      'usage',
      "input 'reports' is needed in mode post: the path where the compute run's report was downloaded",
    );
  }
  const file = await reportFile(inputs.reports);
  const report = await readReportFile(file);
  const pullNumber = report.pullRequest?.number;
  if (!pullNumber) {
    throw new AfterburnerError('usage', `${file} names no pull request: it was not written by mode review`);
  }
  if (event.pullNumbers.length > 0 && !event.pullNumbers.includes(pullNumber)) {
    throw new AfterburnerError(
      'usage',
      `${file} is for pull request #${pullNumber}, but workflow run ${event.runId} belongs to #${event.pullNumbers.join(', #')}`,
    );
  }
  if (report.headSha !== event.headSha) {
    throw new AfterburnerError(
      'usage',
      `${file} is for commit ${report.headSha.slice(0, 7)}, but workflow run ${event.runId} checked out ` +
        `${event.headSha.slice(0, 7)}: refusing to post a report from another commit`,
    );
  }

  const notPosted = async (reason: string, posted: RunReport = report): Promise<Outputs> => ({
    report: posted,
    ...(await writeReports(posted, input.outDir, 'afterburner-report')),
    posted: false,
    reason,
  });
  if (!client) return notPosted('no github-token was given');
  if (inputs.commentStyle === 'none') return notPosted("comment-style is 'none'");

  const pull = await client.pull(pullNumber);
  if (event.headRepo && pull.headRepo && pull.headRepo !== event.headRepo) {
    throw new AfterburnerError(
      'usage',
      `pull request #${pullNumber} comes from ${pull.headRepo}, but workflow run ${event.runId} ran on ${event.headRepo}`,
    );
  }
  if (pull.headSha !== event.headSha) {
    return notPosted(
      `pull request #${pullNumber} has moved on to ${pull.headSha.slice(0, 7)} since workflow run ` +
        `${event.runId} measured ${event.headSha.slice(0, 7)}; the run for the new head posts its own report`,
    );
  }

  const changedFiles = new Set((await client.pullFiles(pullNumber)).map((f) => f.filename));
  const texts = new Map<string, Promise<string | undefined>>();
  const fileAtHead = (path: string) => {
    let text = texts.get(path);
    if (!text) texts.set(path, (text = client.fileAt(path, event.headSha)));
    return text;
  };
  const kept: SuggestionReport[] = [];
  const notices = [...report.notices];
  for (const s of report.suggestions) {
    const why = await mismatch(s, changedFiles, fileAtHead);
    if (!why) {
      kept.push(s);
      continue;
    }
    const line = `not posted: ${s.name} in ${s.path}: ${why}`;
    core.warning(`afterburner: ${line}`);
    notices.push(line);
  }
  const checked: RunReport = { ...report, suggestions: kept, notices };
  const paths = await writeReports(checked, input.outDir, 'afterburner-report');
  core.info(
    `afterburner: posting the report of workflow run ${event.runId} (${event.runUrl ?? 'no url'}) to #${pullNumber}: ` +
      `${kept.length} of ${report.suggestions.length} suggestions match the head commit`,
  );
  const result = await publishToPull({
    client,
    inputs,
    pullNumber,
    report: checked,
    provenance: provenanceOf(event, pull),
  });
  return { report: checked, ...paths, ...result };
}

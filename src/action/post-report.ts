import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import * as core from '@actions/core';
import { AfterburnerError } from '../errors.js';
import type { GitHubClient } from '../github/github-client.js';
import { type ProjectDependencies, projectDependencies } from '../optimize/index.js';
import type { RunReport } from '../report/index.js';
import { inert } from '../report/inert.js';
import { checkReportSuggestions } from './check-report.js';
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

/**
 * A fork controls the run that measured its code, so its comments say what this job re-checked against the pull
 * request (checkReportSuggestions) and what it could not: nothing from the pull request runs here.
 */
function provenanceOf(event: PostEvent, pull: { headRepo?: string; baseRepo: string }): string | undefined {
  if (!pull.headRepo || pull.headRepo === pull.baseRepo) return undefined;
  const url = event.runUrl && /^https:\/\/[^\s()]+$/.test(event.runUrl) ? event.runUrl : undefined;
  const run = url ? `[workflow run ${event.runId}](${url})` : `workflow run ${event.runId}`;
  return (
    `Measured by ${run} on ${inert(pull.headRepo, 'code')}, a fork, which controls that run. Checked here ` +
    "against the pull request's head commit: the lines it replaces, its syntax, its signature (name, parameters, " +
    'export), and that it adds no dependency and no capability (processes, files, network, code loading, ' +
    'environment) the original does not use. Not checked here: the tests and the measurements. Read the change ' +
    'before committing it.'
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

  const texts = new Map<string, Promise<string | undefined>>();
  const fileAt = (path: string) => {
    let text = texts.get(path);
    if (!text) texts.set(path, (text = client.fileAt(path, event.headSha)));
    return text;
  };
  let dependencies: Promise<ProjectDependencies> | undefined;
  const checked = await checkReportSuggestions(report, {
    changedFiles: new Set((await client.pullFiles(pullNumber)).map((f) => f.filename)),
    fileAt,
    dependencies: () =>
      (dependencies ??= projectDependencies({
        read: fileAt,
        list: (dir) => client.directoryAt(dir, event.headSha),
      })),
  });
  const kept = checked.suggestions;
  const paths = await writeReports(checked, input.outDir, 'afterburner-report');
  core.info(
    `afterburner: posting the report of workflow run ${event.runId} (${event.runUrl ?? 'no url'}) to #${pullNumber}: ` +
      `${kept.length} of ${report.suggestions.length} suggestions pass the checks against the head commit`,
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

import * as core from '@actions/core';
import { actionStateRoot } from '../cache/index.js';
import { plainProgress } from '../cli/progress-printer.js';
import { loadRunFiles } from '../config/file-config.js';
import { pipelineOptions } from '../config/pipeline-options.js';
import { type RunConfig, resolveRunConfig } from '../config/run-config.js';
import { readFileAt } from '../detect/git.js';
import { detectChangedFunctions } from '../detect/index.js';
import { decodeSource } from '../detect/read-sources.js';
import type { DetectResult } from '../detect/types.js';
import { AfterburnerError } from '../errors.js';
import { GitHubClient, httpStatus, rateLimitReason } from '../github/github-client.js';
import { publishSweep } from '../github/publish-sweep.js';
import { type ProjectDependencies, readProjectDependencies } from '../optimize/index.js';
import { apiKeyFromEnv } from '../providers/create-provider.js';
import { addSecrets, addSecretsFromEnv, redact, secretsInEnv } from '../redact.js';
import { speedupHeadline } from '../report/comment-parts.js';
import { type RunReport, renderMarkdownReport } from '../report/index.js';
import { type ReviewOptions, runReview } from '../run.js';
import { mergeReports } from '../sweep/merge-reports.js';
import { filterOf, filterTargets, selectSweepTargets } from '../sweep/select-targets.js';
import { checkReportSuggestions } from './check-report.js';
import { readEvent } from './event.js';
import { ensureCommits } from './git-commits.js';
import { type ActionInputs, inputNames, parseInputs } from './inputs.js';
import { type Outputs, writeReports } from './outputs.js';
import { postReport } from './post-report.js';
import { publishToPull } from './publish-to-pull.js';
import { jsonFilesUnder, readReportFile } from './report-files.js';

// Inputs that hold secrets; they are removed from this process's environment once read, so nothing we start
// (git, the sandbox, the repository's tests) can inherit them.
const secretInputs = ['api-key', 'github-token'];

function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  // Before the secret inputs leave the environment: their values, and any other secret-looking variable's,
  // are redacted from everything posted or written.
  addSecretsFromEnv(env);
  // The runner masks them in lines we do not write ourselves, too.
  for (const secret of secretsInEnv(env)) core.setSecret(secret);
  const raw = Object.fromEntries(inputNames.map((name) => [name, core.getInput(name)]));
  const inputs = parseInputs(raw, env);
  for (const secret of [inputs.apiKey, inputs.githubToken]) if (secret) core.setSecret(secret);
  addSecrets(inputs.apiKey, inputs.githubToken);
  for (const name of secretInputs) delete env[`INPUT_${name.toUpperCase()}`];
  return inputs;
}

function repoOf(env: NodeJS.ProcessEnv): { owner: string; repo: string } {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new AfterburnerError('usage', 'GITHUB_REPOSITORY is not set (owner/name)');
  return { owner, repo };
}

/** The Action: review a pull request, sweep the repository, or merge a sweep's shards, by event and inputs. */
export async function runAction(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const inputs = readInputs(env);
  const event = await readEvent(env);
  if (event.kind === 'ignore') {
    core.notice(`afterburner: nothing to do: ${event.reason}`);
    core.setOutput('suggestions', '0');
    return;
  }
  const mode = inputs.mode === 'auto' ? event.kind : inputs.mode;
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const outDir = env.RUNNER_TEMP ?? process.cwd();
  const token = inputs.githubToken ?? env.GITHUB_TOKEN;
  const client = token
    ? new GitHubClient({
        token,
        baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
        repo: repoOf(env),
        log: (line) => core.warning(redact(line)),
        login: inputs.botLogin,
      })
    : undefined;
  const pipeline = (config: RunConfig) => actionPipeline(config, env, token);
  addSecrets(token, pipeline(inputs.config).apiKey);

  let outputs: Outputs;
  if (mode === 'review') {
    if (event.kind !== 'review') {
      throw new AfterburnerError('usage', `input 'mode': review needs a pull_request or issue_comment event`);
    }
    const forkUnderTarget =
      env.GITHUB_EVENT_NAME === 'pull_request_target' &&
      !!event.headRepo &&
      event.headRepo !== event.baseRepo;
    outputs = await review({
      inputs,
      env,
      event,
      client,
      pipeline,
      workspace,
      outDir,
      fork: isFork(env, event),
      forkUnderTarget,
    });
  } else if (mode === 'post') {
    if (event.kind !== 'post') {
      throw new AfterburnerError('usage', `input 'mode': post needs a workflow_run event`);
    }
    outputs = await postReport({ inputs, event, client, outDir });
  } else {
    if (event.kind === 'post') {
      throw new AfterburnerError(
        'usage',
        `input 'mode': ${mode} does not run on workflow_run; use mode: post`,
      );
    }
    const sha = event.kind === 'sweep' ? event.sha : event.head;
    const branch = event.kind === 'sweep' ? event.branch : undefined;
    outputs = await sweep({ inputs, env, mode, sha, branch, client, pipeline, workspace, outDir });
  }
  const { report } = outputs;
  let summary = renderMarkdownReport(report);
  if (!outputs.posted && outputs.reason) {
    summary += `\n> **Not posted to GitHub:** ${outputs.reason}\n`;
    for (const s of report.suggestions) {
      core.notice(
        redact(
          `${s.name}: ${speedupHeadline(s)}. The replacement is in the job summary and ${outputs.jsonPath}.`,
        ),
        {
          title: 'afterburner: verified speedup',
          file: s.path,
          startLine: s.startLine,
          endLine: s.endLine,
        },
      );
    }
    core.info(redact(`afterburner: not posted to GitHub: ${outputs.reason}`));
  }
  await core.summary.addRaw(redact(summary)).write();
  core.setOutput('suggestions', String(report.suggestions.length));
  core.setOutput('report', outputs.markdownPath);
  core.setOutput('json', outputs.jsonPath);
  core.setOutput('posted', String(outputs.posted));
  if (outputs.reason) core.setOutput('reason', redact(outputs.reason));
  if (outputs.pullUrl) core.setOutput('pull-request', outputs.pullUrl);
}

type PipelineOptions = Omit<ReviewOptions, 'repo' | 'base' | 'head' | 'detection'>;

function actionPipeline(config: RunConfig, env: NodeJS.ProcessEnv, token?: string): PipelineOptions {
  const provider = config.optimize.provider;
  return {
    ...pipelineOptions(config),
    // GitHub Models takes the workflow token; other providers their own key (input, or the usual variables).
    apiKey:
      config.optimize.apiKey ??
      apiKeyFromEnv({ ...env, ...(token ? { GITHUB_TOKEN: token } : {}) }, provider),
    cacheDir: config.optimize.cache ? undefined : false,
    // State (cache, trajectories) lives in the runner's tool cache, keyed by repository; never in the checkout.
    stateDir: actionStateRoot(env),
    repositoryId: env.GITHUB_REPOSITORY || undefined,
    // On a runner the token sits in this process's environment (/proc/PID/environ keeps it after we drop it),
    // and pull request and model code would run with network: never unisolated unless asked for by name.
    refuseProcessFallback:
      "the Action does not run pull request or model code unisolated on its own: install Docker on the runner, or set input 'sandbox' to process to accept that",
    imageSettings: 'action',
    repository: env.GITHUB_REPOSITORY
      ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}`
      : undefined,
    progress: plainProgress((line) => core.info(line.trimEnd())),
  };
}

/**
 * The inputs layered over `.afterburner.yml`: the file at `trusted` (a review's base, or the swept commit) for
 * every setting, the checkout's only for those that narrow what is looked at.
 */
async function withFiles(
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  workspace: string,
  trusted: string,
): Promise<{ inputs: ActionInputs; config: RunConfig; ignored: string[] }> {
  const files = await loadRunFiles(workspace, trusted);
  const { config, ignored } = resolveRunConfig({ surface: 'action', explicit: inputs.given, env, ...files });
  const { commentStyle, commentWhenEmpty } = config.publish;
  return { inputs: { ...inputs, commentStyle, commentWhenEmpty }, config, ignored };
}

/** Under `pull_request`, a fork's pull request gets a read-only token and no secrets. */
function isFork(env: NodeJS.ProcessEnv, event: { headRepo?: string; baseRepo: string }): boolean {
  return env.GITHUB_EVENT_NAME === 'pull_request' && !!event.headRepo && event.headRepo !== event.baseRepo;
}

async function review(input: {
  inputs: ActionInputs;
  env: NodeJS.ProcessEnv;
  event: Extract<Awaited<ReturnType<typeof readEvent>>, { kind: 'review' }>;
  client?: GitHubClient;
  pipeline: (config: RunConfig) => PipelineOptions;
  workspace: string;
  outDir: string;
  fork: boolean;
  forkUnderTarget: boolean;
}): Promise<Outputs> {
  const { client, workspace } = input;
  let { event } = input;
  if (event.needsPullLookup) {
    if (!client)
      throw new AfterburnerError('usage', "input 'github-token' is needed to look up the pull request");
    const pull = await client.pull(event.pullNumber);
    event = { ...event, base: pull.baseSha, head: pull.headSha, headRepo: pull.headRepo };
    await ensureCommits(workspace, pull.number, [pull.baseSha, pull.headSha]);
  }
  // The checkout is the pull request's head: its own .afterburner.yml may narrow what is looked at, nothing more.
  const { inputs, config, ignored } = await withFiles(input.inputs, input.env, workspace, event.base);
  if (input.forkUnderTarget && config.sandbox.mode === 'process') {
    // pull_request_target holds a write token and secrets; a fork's code may only run fully isolated.
    throw new AfterburnerError(
      'usage',
      "input 'sandbox': a fork's pull request under pull_request_target runs untrusted code next to a write token; use sandbox: docker (or auto)",
    );
  }
  const pipeline = input.pipeline(config);
  const changed = await detectChangedFunctions({
    repo: workspace,
    base: event.base,
    head: event.head,
    ...pipeline.detect,
  });
  // The globs and languages already narrowed detection; the cap is left.
  const detection = filterTargets(changed, { ...filterOf(config.detect), include: [], exclude: [] });
  const report: RunReport = {
    ...(await runReview({
      ...pipeline,
      configNotices: ignored,
      repo: workspace,
      base: event.base,
      head: event.head,
      detection,
    })),
    pullRequest: { number: event.pullNumber, ...(event.headRepo ? { headRepo: event.headRepo } : {}) },
  };
  const paths = await writeReports(report, input.outDir, 'afterburner-report');
  const notPosted = (reason: string): Outputs => ({ report, ...paths, posted: false, reason });

  if (inputs.commentStyle === 'none') return notPosted("comment-style is 'none'");
  if (!client) return notPosted('no github-token was given');
  if (input.fork) {
    return notPosted(
      `the pull request comes from a fork (${event.headRepo}), whose workflow token is read-only; ` +
        'use the two-workflow pattern in the README to post from `workflow_run`',
    );
  }
  return {
    report,
    ...paths,
    ...(await publishToPull({ client, inputs, pullNumber: event.pullNumber, report })),
  };
}

async function readShardReports(dir: string): Promise<RunReport[]> {
  const files = await jsonFilesUnder(dir);
  if (files.length === 0) throw new AfterburnerError('usage', `input 'reports': no .json reports in ${dir}`);
  return Promise.all(files.map(readReportFile));
}

/**
 * Shard reports were written by other jobs: their suggestions pass the checks of a fresh candidate again, against
 * the swept commit in this job's checkout, before they are committed to the sweep branch.
 */
async function checkShardSuggestions(report: RunReport, workspace: string): Promise<RunReport> {
  let dependencies: Promise<ProjectDependencies> | undefined;
  return checkReportSuggestions(report, {
    fileAt: async (path) => {
      const bytes = await readFileAt(workspace, report.headSha, path).catch(() => undefined);
      const decoded = bytes && decodeSource(bytes);
      return decoded && 'text' in decoded ? decoded.text : undefined;
    },
    dependencies: () => (dependencies ??= readProjectDependencies(workspace)),
  });
}

async function sweep(input: {
  inputs: ActionInputs;
  env: NodeJS.ProcessEnv;
  mode: 'sweep' | 'merge';
  sha: string;
  branch?: string;
  client?: GitHubClient;
  pipeline: (config: RunConfig) => PipelineOptions;
  workspace: string;
  outDir: string;
}): Promise<Outputs> {
  const { client, workspace } = input;
  let { inputs } = input;
  let report: RunReport;
  let name = 'afterburner-report';
  if (input.mode === 'merge') {
    if (!inputs.reports) throw new AfterburnerError('usage', "input 'reports' is needed in mode merge");
    report = await checkShardSuggestions(mergeReports(await readShardReports(inputs.reports)), workspace);
  } else {
    // The swept commit is the default branch's: its file is trusted as a whole.
    const resolved = await withFiles(inputs, input.env, workspace, input.sha);
    inputs = resolved.inputs;
    const detection: DetectResult = await selectSweepTargets({
      repo: workspace,
      head: input.sha,
      filter: filterOf(resolved.config.detect, inputs.shard),
    });
    report = await runReview({
      ...input.pipeline(resolved.config),
      repo: workspace,
      base: input.sha,
      head: input.sha,
      detection,
    });
    if (inputs.shard.count > 1)
      name = `afterburner-report-shard-${inputs.shard.index}-of-${inputs.shard.count}`;
  }
  const paths = await writeReports(report, input.outDir, name);
  if (input.mode === 'sweep' && inputs.shard.count > 1) {
    return {
      report,
      ...paths,
      posted: false,
      reason: `shard ${inputs.shard.index}/${inputs.shard.count}: upload ${paths.jsonPath} as an artifact; the merge job (mode: merge) opens the pull request`,
    };
  }
  if (inputs.commentStyle === 'none')
    return { report, ...paths, posted: false, reason: "comment-style is 'none'" };
  if (!client) return { report, ...paths, posted: false, reason: 'no github-token was given' };
  const baseBranch = input.branch ?? (await client.defaultBranch());
  try {
    const result = await publishSweep({ client, repo: workspace, report, baseBranch });
    core.info(`afterburner: sweep ${JSON.stringify(result)}`);
    return {
      report,
      ...paths,
      posted: result.pull !== undefined,
      pullUrl: result.pull?.url,
      ...(result.reason ? { reason: result.reason } : {}),
    };
  } catch (error) {
    const limited = rateLimitReason(error);
    if (limited) return { report, ...paths, posted: false, reason: limited };
    const status = httpStatus(error);
    if (status === 403 || status === 401) {
      return {
        report,
        ...paths,
        posted: false,
        reason: `GitHub refused to push the sweep branch (HTTP ${status}); grant \`contents: write\` and \`pull-requests: write\``,
      };
    }
    throw error;
  }
}

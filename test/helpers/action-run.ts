import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { repoRoot } from './cli.js';
import { type FakeGitHub, type StoredReviewComment, startFakeGitHub } from './fake-github.js';

export const exec = promisify(execFile);
// The committed test runs the bundle users get; AFTERBURNER_ACTION_ENTRY points at a fresh build while iterating.
const actionEntry = process.env.AFTERBURNER_ACTION_ENTRY ?? join(repoRoot, 'dist', 'index.js');
export const owner = 'octo-org';
export const repoName = 'tagged-posts';

// GitHub's example payloads, read as data (the package's type definitions need packages we do not install).
export const webhooks = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: { action?: string }[];
}[];

export interface PullRequestEvent {
  number: number;
  pull_request: {
    number: number;
    base: { sha: string; repo: { full_name: string } };
    head: { sha: string; repo: { full_name: string } };
  };
  repository: { full_name: string };
}

/** GitHub's own `pull_request.opened` example, pointed at the fixture repository and its commits. */
export function pullRequestOpened(
  base: string,
  head: string,
  headRepo = `${owner}/${repoName}`,
): PullRequestEvent {
  const entry = webhooks.find((w) => w.name === 'pull_request');
  const example = entry?.examples.find((e) => e.action === 'opened');
  const event = structuredClone(example) as unknown as PullRequestEvent;
  event.number = 12;
  event.pull_request.number = 12;
  event.pull_request.base.sha = base;
  event.pull_request.head.sha = head;
  event.pull_request.base.repo.full_name = `${owner}/${repoName}`;
  event.pull_request.head.repo.full_name = headRepo;
  event.repository.full_name = `${owner}/${repoName}`;
  return event;
}

/**
 * GitHub's own `workflow_run.completed` example, as the post workflow receives it after a fork's compute run:
 * GitHub links no pull request to a fork's run, so `pull_requests` is empty.
 */
export function workflowRunCompleted(input: {
  headSha: string;
  headRepo: string;
  conclusion?: string;
}): Record<string, unknown> {
  const entry = webhooks.find((w) => w.name === 'workflow_run');
  const example = entry?.examples.find((e) => e.action === 'completed');
  const event = structuredClone(example) as unknown as { workflow_run: Record<string, unknown> };
  Object.assign(event.workflow_run, {
    event: 'pull_request',
    conclusion: input.conclusion ?? 'success',
    head_sha: input.headSha,
    head_repository: {
      ...(event.workflow_run.head_repository as object),
      full_name: input.headRepo,
    },
    pull_requests: [],
  });
  return event;
}

/** GitHub's own `issue_comment.created` example, as a comment on pull request 12 of the fixture repository. */
export function pullRequestComment(body: string, association: string): Record<string, unknown> {
  const entry = webhooks.find((w) => w.name === 'issue_comment');
  const example = entry?.examples.find((e) => e.action === 'created');
  const event = structuredClone(example) as unknown as {
    issue: Record<string, unknown>;
    comment: Record<string, unknown>;
    repository: Record<string, unknown>;
  };
  const pullUrl = `https://api.github.com/repos/${owner}/${repoName}/pulls/12`;
  event.issue.number = 12;
  event.issue.pull_request = { url: pullUrl, html_url: `https://github.com/${owner}/${repoName}/pull/12` };
  event.comment.body = body;
  event.comment.author_association = association;
  event.repository.full_name = `${owner}/${repoName}`;
  return event;
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: string;
  summary: string;
}

export async function runAction(runnerTemp: string, env: Record<string, string>): Promise<ActionRun> {
  await writeFile(join(runnerTemp, 'output'), '');
  await writeFile(join(runnerTemp, 'summary'), '');
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    GITHUB_OUTPUT: join(runnerTemp, 'output'),
    GITHUB_STEP_SUMMARY: join(runnerTemp, 'summary'),
    RUNNER_TEMP: runnerTemp,
    // The Action keeps its state in the tool cache: one per test run here, never the machine's own.
    RUNNER_TOOL_CACHE: join(runnerTemp, 'tool-cache'),
    GITHUB_REPOSITORY: `${owner}/${repoName}`,
    INPUT_SANDBOX: 'process',
    INPUT_ITERATIONS: '1',
    INPUT_CANDIDATES: '1',
    ...env,
  };
  for (const name of ['AFTERBURNER_API_KEY', 'OPENAI_API_KEY', 'GITHUB_TOKEN', 'CI']) delete childEnv[name];
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [actionEntry],
      { env: childEnv, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
  return {
    ...result,
    outputs: await readFile(join(runnerTemp, 'output'), 'utf8'),
    summary: await readFile(join(runnerTemp, 'summary'), 'utf8'),
  };
}

export function output(outputs: string, name: string): string | undefined {
  const match = new RegExp(`^${name}<<(.+)\\n([\\s\\S]*?)\\n\\1$`, 'm').exec(outputs);
  return match?.[2];
}

/** Measured numbers and commit shas change from run to run; the words and structure must not. */
export function normalize(body: string): string {
  return (
    body
      .replace(/\/tmp\/afterburner-runner-\w+/g, 'RUNNER_TEMP')
      .replace(/CI \d+(\.\d+)?–/g, 'CI N–')
      // Units follow the magnitude, which varies from run to run.
      .replace(/\d+(\.\d+)?( ms| µs| ns| s\b)/g, 'N TIME')
      .replace(/\d+(\.\d+)?( MiB| KiB| GiB| B)\b/g, 'N BYTES')
      .replace(/\d+(\.\d+)?(×)/g, 'N$2')
      // Memory per replay moves either way by a few percent from run to run (one run each, no interval); so does a
      // function's memory per call when it allocates next to nothing, and the integral's unit follows its size.
      .replace(/N× (lower|more) \| one run each/g, 'N× CHANGE | one run each')
      .replace(/(memory (× time )?per call [^\n]*\| )(N× (lower|more)|same)( \| 95% CI)/g, '$1N× CHANGE$5')
      .replace(/N BYTES·(ms|µs)/g, 'N BYTES·TIME')
      // A rejected candidate's reason quotes its estimate and p-value as plain numbers.
      .replace(/\d+(\.\d+)?x \\\[\d+(\.\d+)?, \d+(\.\d+)?\\\]/g, 'Nx \\[N, N\\]')
      .replace(/p=\d+(\.\d+)?(e-\d+)?/g, 'p=N')
      .replace(/\b(\d+) (rounds|calls|recorded calls)/g, 'N $2')
      .replace(/head [0-9a-f]{7}/g, 'head SHA')
      .replace(/\b[0-9a-f]{7}…[0-9a-f]{7}\b/g, 'SHA…SHA')
      .replace(/ at [0-9a-f]{7} /g, ' at SHA ')
      .replace(/sandbox: [^<\n]*/g, 'sandbox: SANDBOX')
      // Which scales fit the time budget, the fitted exponents and the grown inputs left out vary with the machine.
      .replace(
        /(\| scaled ×N from recorded calls[^\n]*\n)+/g,
        '| scaled ×N from recorded calls: ONE ROW PER SCALE |\n',
      )
      .replace(/\*\*Complexity:\*\*[^\n]*/g, '**Complexity:** FIT')
      .replace(/\n\nGrown inputs left out: [^\n]*/g, '')
      .replace(/ at n = \d+/g, ' at n = N')
  );
}

/** The code inside a comment's suggestion block. */
export function suggestionCode(body: string): string {
  const match = /^(`{3,})suggestion\n([\s\S]*?)\n\1$/m.exec(body);
  if (!match) throw new Error(`no suggestion block in:\n${body}`);
  return match[2] as string;
}

export async function applyComment(dir: string, comment: StoredReviewComment): Promise<void> {
  const path = join(dir, comment.path);
  const lines = (await readFile(path, 'utf8')).split('\n');
  const start = comment.start_line ?? (comment.line as number);
  lines.splice(start - 1, (comment.line as number) - start + 1, ...suggestionCode(comment.body).split('\n'));
  await writeFile(path, lines.join('\n'));
}

/** A runner for one pull request: the fixture repository, RUNNER_TEMP, a fake GitHub, and the event's env. */
export interface PullRequestRig {
  fixture: FixtureRepo;
  runnerTemp: string;
  github: FakeGitHub;
  /** The environment of a `pull_request.opened` run with a token for the fake GitHub. */
  env: Record<string, string>;
  /** Writes an event or report into RUNNER_TEMP and returns its path. */
  writeJson(name: string, data: unknown): Promise<string>;
  close(): Promise<void>;
}

/** Pull request 12 of the tagged-posts fixture, from `headRepo` (a fork when it is not the fixture's own). */
export async function openPullRequestRig(headRepo = `${owner}/${repoName}`): Promise<PullRequestRig> {
  const fixture = await materializeFixture('tagged-posts');
  const runnerTemp = await mkdtemp(join(tmpdir(), 'afterburner-runner-'));
  const github = await startFakeGitHub({
    owner,
    repo: repoName,
    gitDir: fixture.dir,
    pull: { number: 12, base: fixture.base, head: fixture.head, headRepo },
  });
  const writeJson = async (name: string, data: unknown) => {
    const path = join(runnerTemp, name);
    await writeFile(path, JSON.stringify(data));
    return path;
  };
  return {
    fixture,
    runnerTemp,
    github,
    writeJson,
    env: {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: await writeJson(
        'event.json',
        pullRequestOpened(fixture.base, fixture.head, headRepo),
      ),
      GITHUB_WORKSPACE: fixture.dir,
      GITHUB_API_URL: github.url,
      'INPUT_GITHUB-TOKEN': github.token,
      // The fixture's rewrites are 8–27× faster: ten rounds show it (one review: 41 s at 30 rounds, 29 s at 10).
      INPUT_ROUNDS: '10',
    },
    close: async () => {
      await github.close();
      await fixture.dispose();
      await rm(runnerTemp, { recursive: true, force: true });
    },
  };
}

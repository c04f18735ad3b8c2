import { readFile } from 'node:fs/promises';
import { AfterburnerError } from '../errors.js';

/** What the triggering event asks for. */
export type ActionEvent =
  | {
      kind: 'review';
      pullNumber: number;
      base: string;
      head: string;
      /** `owner/name` of the base and head repositories; they differ for pull requests from forks. */
      baseRepo: string;
      headRepo?: string;
      /** issue_comment events carry no shas: they come from the API (GET pulls/{n}). */
      needsPullLookup: boolean;
    }
  | { kind: 'sweep'; sha: string; branch?: string }
  | {
      /** A `workflow_run` after the compute workflow: post the report it uploaded. */
      kind: 'post';
      runId: number;
      runUrl?: string;
      /** The commit the compute run checked out, as GitHub recorded it (not as its artifact claims). */
      headSha: string;
      headRepo?: string;
      /** Pull requests GitHub linked to the run; empty for forks, so the report names its own. */
      pullNumbers: number[];
      /** The event that started the compute run. */
      triggeredBy?: string;
    }
  | { kind: 'ignore'; reason: string };

const maintainers = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);
const command = /^\s*\/afterburner\b/;

interface Payload {
  action?: string;
  pull_request?: {
    number?: number;
    base?: { sha?: string; repo?: { full_name?: string } };
    head?: { sha?: string; repo?: { full_name?: string } | null };
  };
  issue?: { number?: number; pull_request?: unknown };
  comment?: { body?: string; author_association?: string; user?: { login?: string } };
  repository?: { full_name?: string; default_branch?: string };
  workflow_run?: {
    id?: number;
    html_url?: string;
    event?: string;
    conclusion?: string | null;
    head_sha?: string;
    head_repository?: { full_name?: string } | null;
    pull_requests?: { number?: number }[];
  };
}

/** The event file the runner wrote; a missing, unreadable or malformed one is a one-line error naming it. */
async function readPayload(path: string): Promise<Payload> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AfterburnerError(
      'usage',
      `GITHUB_EVENT_PATH ${path} cannot be read (${code ?? String(error)})`,
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new AfterburnerError(
      'usage',
      `GITHUB_EVENT_PATH ${path} is not valid JSON: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new AfterburnerError('usage', `GITHUB_EVENT_PATH ${path} does not hold a JSON object`);
  }
  return payload as Payload;
}

/** Reads GITHUB_EVENT_NAME / GITHUB_EVENT_PATH into what to do; unsupported events fail with the supported ones. */
export async function readEvent(env: NodeJS.ProcessEnv): Promise<ActionEvent> {
  const name = env.GITHUB_EVENT_NAME;
  const payload = env.GITHUB_EVENT_PATH ? await readPayload(env.GITHUB_EVENT_PATH) : {};
  switch (name) {
    case 'pull_request':
    case 'pull_request_target': {
      const pr = payload.pull_request;
      const base = pr?.base?.sha;
      const head = pr?.head?.sha;
      if (!pr?.number || !base || !head) {
        throw new AfterburnerError('usage', 'the event payload has no pull_request number, base and head');
      }
      return {
        kind: 'review',
        pullNumber: pr.number,
        base,
        head,
        baseRepo: pr.base?.repo?.full_name ?? payload.repository?.full_name ?? '',
        headRepo: pr.head?.repo?.full_name,
        needsPullLookup: false,
      };
    }
    case 'issue_comment': {
      const body = payload.comment?.body ?? '';
      if (payload.action !== 'created' || !command.test(body)) {
        return { kind: 'ignore', reason: 'the comment is not an /afterburner command' };
      }
      if (!payload.issue?.pull_request || !payload.issue.number) {
        return { kind: 'ignore', reason: '/afterburner works on pull requests, not issues' };
      }
      const association = payload.comment?.author_association ?? 'NONE';
      if (!maintainers.has(association)) {
        return {
          kind: 'ignore',
          reason: `/afterburner is for maintainers (owner, member, collaborator); ${payload.comment?.user?.login ?? 'the author'} is ${association}`,
        };
      }
      return {
        kind: 'review',
        pullNumber: payload.issue.number,
        base: '',
        head: '',
        baseRepo: payload.repository?.full_name ?? '',
        needsPullLookup: true,
      };
    }
    case 'workflow_run': {
      const run = payload.workflow_run;
      if (!run?.id || !run.head_sha) {
        throw new AfterburnerError('usage', 'the event payload has no workflow_run id and head_sha');
      }
      if (payload.action !== 'completed' || run.conclusion !== 'success') {
        return {
          kind: 'ignore',
          reason: `the workflow run ${run.id} is ${payload.action ?? 'unknown'} with conclusion ${run.conclusion ?? 'none'}, not a success`,
        };
      }
      return {
        kind: 'post',
        runId: run.id,
        runUrl: run.html_url,
        headSha: run.head_sha,
        headRepo: run.head_repository?.full_name,
        pullNumbers: (run.pull_requests ?? []).flatMap((p) => (p.number ? [p.number] : [])),
        triggeredBy: run.event,
      };
    }
    case 'schedule':
    case 'workflow_dispatch':
    case 'push': {
      const sha = env.GITHUB_SHA;
      if (!sha) throw new AfterburnerError('usage', 'GITHUB_SHA is not set');
      const ref = env.GITHUB_REF ?? '';
      const branch = ref.startsWith('refs/heads/')
        ? ref.slice('refs/heads/'.length)
        : payload.repository?.default_branch;
      return { kind: 'sweep', sha, branch };
    }
    default:
      throw new AfterburnerError(
        'usage',
        `event '${name ?? 'unknown'}' is not supported: use pull_request, pull_request_target, issue_comment, workflow_run, schedule or workflow_dispatch`,
      );
  }
}

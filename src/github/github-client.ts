import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { addSecrets, redactDeep } from '../redact.js';

const AfterburnerOctokit = Octokit.plugin(throttling, retry);

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullFile {
  filename: string;
  status: string;
  /** Absent for binary files and very large diffs. */
  patch?: string;
}

export interface ReviewComment {
  id: number;
  nodeId: string;
  body: string;
  path: string;
  /** Null when GitHub marked the comment outdated, and for file-level comments. */
  line: number | null;
  fileLevel: boolean;
  commitId: string;
  originalCommitId: string;
  author?: Author;
}

export interface IssueComment {
  id: number;
  body: string;
  author?: Author;
}

/** Who wrote a comment, as GitHub reports it (`type` is `Bot` for apps and the workflow token). */
export interface Author {
  login: string;
  type?: string;
}

/** One inline comment of a review: lines on the new side of the diff. */
export interface InlineComment {
  path: string;
  startLine: number;
  endLine: number;
  body: string;
}

export interface PullRequestInfo {
  number: number;
  baseSha: string;
  headSha: string;
  baseRepo: string;
  headRepo?: string;
}

export interface GitHubClientOptions {
  token: string;
  /** GITHUB_API_URL: https://api.github.com, a GHES /api/v3 URL, or a test server. */
  baseUrl: string;
  repo: RepoRef;
  log?: (line: string) => void;
  /** Retries after rate limits; tests set 0 to see failures at once. */
  rateLimitRetries?: number;
  /**
   * The login the token posts as, when known (input `bot-login`); otherwise asked of GitHub. Only comments by this
   * login are ever edited, minimized or taken as ours.
   */
  login?: string;
}

/** The workflow's GITHUB_TOKEN posts as this app; it can ask GitHub neither `GET /user` nor always `viewer`. */
export const workflowTokenLogin = 'github-actions[bot]';

/** Request fields that never carry text we wrote (routing, auth), so redaction leaves them alone. */
const routingFields = new Set(['method', 'url', 'baseUrl', 'headers', 'request', 'mediaType']);

/** HTTP status of an Octokit request error, if it is one. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * "GitHub rate limited the token…; retry after <time>" when GitHub refused a request for a rate limit (primary:
 * `x-ratelimit-remaining: 0`; secondary: `retry-after` or its "secondary rate limit" message), else undefined.
 * GitHub answers both with 403 or 429, the same 403 a read-only token gets, so the headers tell them apart.
 */
export function rateLimitReason(error: unknown, now = Date.now()): string | undefined {
  const status = httpStatus(error);
  if (status !== 403 && status !== 429) return undefined;
  const response = (error as { response?: { headers?: Record<string, unknown>; data?: unknown } }).response;
  const headers = response?.headers ?? {};
  const text = `${(error as Error).message ?? ''} ${JSON.stringify(response?.data ?? '')}`;
  const retryAfter = headers['retry-after'] === undefined ? Number.NaN : Number(headers['retry-after']);
  const exhausted = String(headers['x-ratelimit-remaining']) === '0';
  const reset = Number(headers['x-ratelimit-reset']);
  const secondary = /secondary rate limit|abuse detection/i.test(text);
  if (!exhausted && !secondary && Number.isNaN(retryAfter) && status !== 429) return undefined;
  const at = (ms: number) => `${new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
  // GitHub's advice: wait `retry-after` seconds if given, else until the reset time, else at least a minute.
  const when =
    retryAfter >= 0
      ? `retry after ${at(now + retryAfter * 1000)} (in ${retryAfter} s)`
      : exhausted && reset > 0
        ? `retry after ${at(reset * 1000)}, when the limit resets (in ${Math.max(0, Math.ceil(reset - now / 1000))} s)`
        : `retry after ${at(now + 60_000)} at the earliest (GitHub named no time; it asks for at least a minute)`;
  return `GitHub rate limited the token (HTTP ${status}, ${secondary ? 'secondary rate limit' : exhausted ? 'no requests left this hour' : 'too many requests'}); ${when}`;
}

/** GitHub's 422 for a comment whose lines are not in the diff ("…must be part of the diff", "…same hunk…"). */
export function isOutsideDiffError(error: unknown): boolean {
  if (httpStatus(error) !== 422) return false;
  const text = JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? '');
  return /part of the diff|same hunk|could not be resolved/i.test(text + String((error as Error).message));
}

/** The only code that talks to GitHub: REST and GraphQL through Octokit with throttling and retries. */
export class GitHubClient {
  readonly repo: RepoRef;
  private readonly octokit: InstanceType<typeof AfterburnerOctokit>;
  private readonly log: (line: string) => void;
  private readonly login?: string;
  private identity?: Promise<Author>;

  constructor(options: GitHubClientOptions) {
    this.repo = options.repo;
    this.login = options.login;
    addSecrets(options.token);
    const log = options.log ?? (() => {});
    this.log = log;
    const retries = options.rateLimitRetries ?? 2;
    this.octokit = new AfterburnerOctokit({
      auth: options.token,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      userAgent: 'afterburner-action',
      log: { debug: () => {}, info: () => {}, warn: log, error: log },
      throttle: {
        onRateLimit: (after, request, _octokit, count) => {
          log(`rate limit on ${request.method} ${request.url}; retrying in ${after} s`);
          return count < retries;
        },
        onSecondaryRateLimit: (after, request, _octokit, count) => {
          log(`secondary rate limit on ${request.method} ${request.url}; retrying in ${after} s`);
          return count < retries;
        },
      },
    });
    // The one way out to GitHub: nothing we send carries a registered secret.
    this.octokit.hook.before('request', (request) => {
      for (const [key, value] of Object.entries(request)) {
        if (!routingFields.has(key)) (request as Record<string, unknown>)[key] = redactDeep(value);
      }
    });
  }

  /**
   * Who the token posts as. GraphQL `viewer` answers for user and app installation tokens (`GET /app` needs the
   * app's own key, and `GET /user` refuses installation tokens: it is only the fallback); when neither answers,
   * the token is taken to be the workflow's, which posts as github-actions[bot].
   */
  self(): Promise<Author> {
    this.identity ??= this.askIdentity();
    return this.identity;
  }

  private async askIdentity(): Promise<Author> {
    const bot = (login: string): Author => ({ login, ...(login.endsWith('[bot]') ? { type: 'Bot' } : {}) });
    if (this.login) return bot(this.login);
    try {
      const data = await this.octokit.graphql<{ viewer?: { login?: string } }>('query { viewer { login } }');
      if (data.viewer?.login) return bot(data.viewer.login);
    } catch {}
    try {
      const { data } = await this.octokit.rest.users.getAuthenticated();
      return { login: data.login, type: data.type };
    } catch (error) {
      this.log(
        `cannot tell who the token posts as (HTTP ${httpStatus(error) ?? '?'}); taking it for the workflow token, ${workflowTokenLogin} (set input bot-login otherwise)`,
      );
      return bot(workflowTokenLogin);
    }
  }

  /** Whether the token wrote this comment: only such comments are ever edited, minimized or taken as ours. */
  async isOwn(author: Author | undefined): Promise<boolean> {
    if (!author) return false;
    const me = await this.self();
    if (author.login.toLowerCase() !== me.login.toLowerCase()) return false;
    return me.type === undefined || author.type === undefined || author.type === me.type;
  }

  async pull(pullNumber: number): Promise<PullRequestInfo> {
    const { data } = await this.octokit.rest.pulls.get({ ...this.repo, pull_number: pullNumber });
    return {
      number: data.number,
      baseSha: data.base.sha,
      headSha: data.head.sha,
      baseRepo: data.base.repo.full_name,
      headRepo: data.head.repo?.full_name,
    };
  }

  async pullFiles(pullNumber: number): Promise<PullFile[]> {
    const files = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, {
      ...this.repo,
      pull_number: pullNumber,
      per_page: 100,
    });
    return files.map((f) => ({ filename: f.filename, status: f.status, patch: f.patch }));
  }

  /** A file's text at a commit, or undefined when it is missing, a directory or too big for the API (1 MB). */
  async fileAt(path: string, ref: string): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({ ...this.repo, path, ref });
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
      if (data.encoding !== 'base64') return undefined;
      return Buffer.from(data.content, 'base64').toString('utf8');
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * The entries of a directory at a commit ('' is the root), or none when it is missing. Through the Git Data API:
   * the contents API has no documented route for the root.
   */
  async directoryAt(path: string, commit: string): Promise<{ name: string; directory: boolean }[]> {
    const entries = async (treeSha: string) =>
      (await this.octokit.rest.git.getTree({ ...this.repo, tree_sha: treeSha })).data.tree;
    let sha = await this.treeOfCommit(commit);
    for (const part of path.split('/').filter(Boolean)) {
      const next = (await entries(sha)).find((e) => e.path === part && e.type === 'tree');
      if (!next?.sha) return [];
      sha = next.sha;
    }
    return (await entries(sha)).map((e) => ({ name: e.path ?? '', directory: e.type === 'tree' }));
  }

  async reviewComments(pullNumber: number): Promise<ReviewComment[]> {
    const comments = await this.octokit.paginate(this.octokit.rest.pulls.listReviewComments, {
      ...this.repo,
      pull_number: pullNumber,
      per_page: 100,
    });
    return comments.map((c) => ({
      id: c.id,
      nodeId: c.node_id,
      body: c.body,
      path: c.path,
      line: c.line ?? null,
      fileLevel: c.subject_type === 'file',
      commitId: c.commit_id,
      originalCommitId: c.original_commit_id,
      author: c.user ? { login: c.user.login, type: c.user.type } : undefined,
    }));
  }

  /** One review with all inline comments (event COMMENT: never approves or blocks). */
  async createReview(input: {
    pullNumber: number;
    commitId: string;
    body: string;
    comments: InlineComment[];
  }): Promise<void> {
    await this.octokit.rest.pulls.createReview({
      ...this.repo,
      pull_number: input.pullNumber,
      commit_id: input.commitId,
      event: 'COMMENT',
      body: input.body,
      comments: input.comments.map((c) => ({
        path: c.path,
        line: c.endLine,
        side: 'RIGHT',
        body: c.body,
        // GitHub rejects start_line equal to line; a single line omits it.
        ...(c.startLine < c.endLine ? { start_line: c.startLine, start_side: 'RIGHT' } : {}),
      })),
    });
  }

  /** A comment on a whole file, for code whose lines are not all inside one diff hunk. */
  async createFileComment(input: { pullNumber: number; commitId: string; path: string; body: string }) {
    await this.octokit.rest.pulls.createReviewComment({
      ...this.repo,
      pull_number: input.pullNumber,
      commit_id: input.commitId,
      path: input.path,
      body: input.body,
      subject_type: 'file',
    });
  }

  async updateReviewComment(commentId: number, body: string): Promise<void> {
    await this.octokit.rest.pulls.updateReviewComment({ ...this.repo, comment_id: commentId, body });
  }

  /** Collapses a comment as outdated (GraphQL only; REST cannot minimize). */
  async minimizeOutdated(nodeId: string): Promise<void> {
    await this.octokit.graphql(
      'mutation($id: ID!) { minimizeComment(input: { subjectId: $id, classifier: OUTDATED }) { minimizedComment { isMinimized } } }',
      { id: nodeId },
    );
  }

  async issueComments(issueNumber: number): Promise<IssueComment[]> {
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
      ...this.repo,
      issue_number: issueNumber,
      per_page: 100,
    });
    return comments.map((c) => ({
      id: c.id,
      body: c.body ?? '',
      author: c.user ? { login: c.user.login, type: c.user.type } : undefined,
    }));
  }

  async createIssueComment(issueNumber: number, body: string): Promise<void> {
    await this.octokit.rest.issues.createComment({ ...this.repo, issue_number: issueNumber, body });
  }

  async updateIssueComment(commentId: number, body: string): Promise<void> {
    await this.octokit.rest.issues.updateComment({ ...this.repo, comment_id: commentId, body });
  }

  // --- sweep: one commit on a branch through the Git Data API, and one pull request -----------------------

  async treeOfCommit(sha: string): Promise<string> {
    const { data } = await this.octokit.rest.git.getCommit({ ...this.repo, commit_sha: sha });
    return data.tree.sha;
  }

  /** A commit on top of `parent` that replaces the given files' contents (UTF-8 text). */
  async commitFiles(input: { parent: string; message: string; files: { path: string; content: string }[] }) {
    const baseTree = await this.treeOfCommit(input.parent);
    const { data: tree } = await this.octokit.rest.git.createTree({
      ...this.repo,
      base_tree: baseTree,
      tree: input.files.map((f) => ({ path: f.path, mode: '100644', type: 'blob', content: f.content })),
    });
    const { data: commit } = await this.octokit.rest.git.createCommit({
      ...this.repo,
      message: input.message,
      tree: tree.sha,
      parents: [input.parent],
    });
    return commit.sha;
  }

  /** Points `heads/<branch>` at `sha`, creating the branch when it does not exist. */
  async forceBranch(branch: string, sha: string): Promise<'created' | 'updated'> {
    try {
      await this.octokit.rest.git.getRef({ ...this.repo, ref: `heads/${branch}` });
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
      await this.octokit.rest.git.createRef({ ...this.repo, ref: `refs/heads/${branch}`, sha });
      return 'created';
    }
    await this.octokit.rest.git.updateRef({ ...this.repo, ref: `heads/${branch}`, sha, force: true });
    return 'updated';
  }

  async openPullFrom(branch: string): Promise<{ number: number; url: string; author?: Author } | undefined> {
    const { data } = await this.octokit.rest.pulls.list({
      ...this.repo,
      head: `${this.repo.owner}:${branch}`,
      state: 'open',
      per_page: 1,
    });
    const pull = data[0];
    if (!pull) return undefined;
    const author = pull.user ? { login: pull.user.login, type: pull.user.type } : undefined;
    return { number: pull.number, url: pull.html_url, author };
  }

  async createPull(input: { head: string; base: string; title: string; body: string }) {
    const { data } = await this.octokit.rest.pulls.create({ ...this.repo, ...input });
    return { number: data.number, url: data.html_url };
  }

  async updatePull(pullNumber: number, input: { title: string; body: string }): Promise<void> {
    await this.octokit.rest.pulls.update({ ...this.repo, pull_number: pullNumber, ...input });
  }

  async defaultBranch(): Promise<string> {
    const { data } = await this.octokit.rest.repos.get({ ...this.repo });
    return data.default_branch;
  }
}

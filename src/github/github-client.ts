import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

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
  author?: string;
}

export interface IssueComment {
  id: number;
  body: string;
  author?: string;
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
}

/** HTTP status of an Octokit request error, if it is one. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
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

  constructor(options: GitHubClientOptions) {
    this.repo = options.repo;
    const log = options.log ?? (() => {});
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
      author: c.user?.login,
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
    return comments.map((c) => ({ id: c.id, body: c.body ?? '', author: c.user?.login }));
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

  async openPullFrom(branch: string): Promise<{ number: number; url: string } | undefined> {
    const { data } = await this.octokit.rest.pulls.list({
      ...this.repo,
      head: `${this.repo.owner}:${branch}`,
      state: 'open',
      per_page: 1,
    });
    const pull = data[0];
    return pull ? { number: pull.number, url: pull.html_url } : undefined;
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

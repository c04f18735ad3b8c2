import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------------------
// Request validation against GitHub's OpenAPI description (@octokit/openapi, api.github.com).
// ---------------------------------------------------------------------------------------------------------

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: object;
  $ref?: string;
}
interface OpenApiOperation {
  operationId: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: object }> };
}
interface OpenApiSpec {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { parameters: Record<string, OpenApiParameter> };
}

interface Route {
  template: string;
  method: string;
  regex: RegExp;
  names: string[];
  literalSegments: number;
  operation: OpenApiOperation;
}

/**
 * Request bodies in the description allow unknown properties; GitHub ignores them, which hides typos. The fake
 * is stricter: a property the description does not list is an error.
 */
function closeObjects(schema: unknown): void {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as Record<string, unknown>;
  if (s.properties && s.additionalProperties === undefined && !s.$ref) s.additionalProperties = false;
  for (const value of Object.values(s)) {
    if (Array.isArray(value)) value.forEach(closeObjects);
    else closeObjects(value);
  }
}

class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly routes: Route[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly spec: OpenApiSpec;

  constructor() {
    this.spec = structuredClone(require('@octokit/openapi/generated/api.github.com.json')) as OpenApiSpec;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    (addFormatsModule as unknown as (ajv: Ajv) => void)(this.ajv);
    for (const [template, operations] of Object.entries(this.spec.paths)) {
      const names: string[] = [];
      const segments = template.split('/').filter(Boolean);
      const pattern = segments
        .map((segment, index) => {
          const param = /^\{(.+)\}$/.exec(segment);
          if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(param[1] as string);
          // A git ref or file path may hold slashes when it is the last segment.
          return index === segments.length - 1 && ['ref', 'path'].includes(param[1] as string)
            ? '(.+)'
            : '([^/]+)';
        })
        .join('/');
      for (const [method, operation] of Object.entries(operations)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        if (operation.requestBody) {
          for (const content of Object.values(operation.requestBody.content)) closeObjects(content.schema);
        }
        this.routes.push({
          template,
          method: method.toUpperCase(),
          regex: new RegExp(`^/${pattern}$`),
          names,
          literalSegments: segments.filter((s) => !s.startsWith('{')).length,
          operation,
        });
      }
    }
    this.routes.sort((a, b) => b.literalSegments - a.literalSegments);
    this.ajv.addSchema(this.spec as object, 'github');
  }

  private validator(pointer: string): ValidateFunction {
    let fn = this.compiled.get(pointer);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `github#${pointer}` });
      this.compiled.set(pointer, fn);
    }
    return fn;
  }

  private parameter(p: OpenApiParameter): OpenApiParameter {
    if (!p.$ref) return p;
    const name = p.$ref.replace('#/components/parameters/', '');
    return this.spec.components.parameters[name] as OpenApiParameter;
  }

  /** The matching operation and its parameters, or the problems that make the request invalid. */
  check(request: { method: string; path: string; query: URLSearchParams; body: unknown }): {
    operationId?: string;
    params: Record<string, string>;
    problems: string[];
  } {
    const problems: string[] = [];
    const route = this.routes.find((r) => r.method === request.method && r.regex.test(request.path));
    if (!route) return { params: {}, problems: [`no operation ${request.method} ${request.path}`] };
    const match = route.regex.exec(request.path) as RegExpExecArray;
    const params: Record<string, string> = {};
    route.names.forEach((name, index) => {
      params[name] = decodeURIComponent(match[index + 1] as string);
    });
    const declared = (route.operation.parameters ?? []).map((p) => this.parameter(p));
    for (const name of request.query.keys()) {
      if (!declared.some((p) => p.in === 'query' && p.name === name))
        problems.push(`unknown query parameter ${name}`);
    }
    for (const p of declared) {
      if (p.in === 'header') continue;
      const raw = p.in === 'path' ? params[p.name] : (request.query.get(p.name) ?? undefined);
      if (raw === undefined) {
        if (p.required) problems.push(`missing ${p.in} parameter ${p.name}`);
        continue;
      }
      const type = (p.schema as { type?: string } | undefined)?.type;
      const value =
        type === 'integer' || type === 'number' ? Number(raw) : type === 'boolean' ? raw === 'true' : raw;
      const fn = this.ajv.compile(p.schema ?? {});
      if (!fn(value)) problems.push(`${p.in} parameter ${p.name}=${raw}: ${this.ajv.errorsText(fn.errors)}`);
    }
    const pointer = `/paths/${route.template.replace(/~/g, '~0').replace(/\//g, '~1')}/${request.method.toLowerCase()}`;
    const requestBody = route.operation.requestBody;
    if (request.body !== undefined && !requestBody) problems.push('a body where the operation takes none');
    if (requestBody) {
      if (request.body === undefined) {
        if (requestBody.required) problems.push('missing request body');
      } else {
        const fn = this.validator(`${pointer}/requestBody/content/application~1json/schema`);
        if (!fn(request.body)) problems.push(`body: ${this.ajv.errorsText(fn.errors, { dataVar: 'body' })}`);
      }
    }
    return { operationId: route.operation.operationId, params, problems };
  }
}

let sharedValidator: OpenApiValidator | undefined;

// ---------------------------------------------------------------------------------------------------------
// The fake: a pull request on a real git repository, review comments, issue comments, git data, pulls.
// ---------------------------------------------------------------------------------------------------------

export interface RecordedRequest {
  method: string;
  path: string;
  operationId?: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

/** Whether a request changes anything: every method but GET, except GraphQL queries (asking who the token is). */
export function isWrite(request: RecordedRequest): boolean {
  if (request.method === 'GET') return false;
  return !/^\s*query\b/.test(String((request.body as { query?: unknown } | undefined)?.query ?? ''));
}

export interface StoredReviewComment {
  id: number;
  node_id: string;
  pull_request_review_id: number | null;
  path: string;
  body: string;
  commit_id: string;
  original_commit_id: string;
  line: number | null;
  original_line: number | null;
  start_line: number | null;
  subject_type: 'line' | 'file';
  minimized: boolean;
  /** Who wrote it; the token's own user (github-actions[bot]) when absent. */
  user?: FakeUser;
}

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

/** Someone else on the pull request: a person who can paste our hidden markers into their own comments. */
export const otherUser: FakeUser = { login: 'mallory', id: 583231, type: 'User' };

/** What GitHub answers when a rate limit refuses a request (403 or 429 with its headers). */
export interface RateLimitReply {
  status: 403 | 429;
  headers: Record<string, string>;
  message: string;
}

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  /** The fixture repository: pull request files and patches come from `git diff base...head` here. */
  gitDir: string;
  pull?: { number: number; base: string; head: string; headRepo?: string };
  /** Answer every write with 403 "Resource not accessible by integration", as a read-only token gets. */
  readOnly?: boolean;
  /**
   * Refuse inline comments on these paths with GitHub's 422 "must be part of the diff", as GitHub does when its
   * view of the diff differs from ours (e.g. a base branch that moved).
   */
  refuseInlineOn?: string[];
  /** Refuse GraphQL `viewer`, as some GitHub Enterprise Server versions do for integration tokens. */
  refuseViewer?: boolean;
}

export interface FakeGitHub {
  url: string;
  token: string;
  requests: RecordedRequest[];
  /** Requests that broke the OpenAPI description; a test must expect this to be empty. */
  invalid: string[];
  reviewComments: StoredReviewComment[];
  issueComments: { id: number; body: string; user?: FakeUser }[];
  reviews: { id: number; commit_id: string; body: string }[];
  pulls: {
    number: number;
    head: string;
    base: string;
    title: string;
    body: string;
    state: string;
    user?: FakeUser;
  }[];
  refs: Map<string, string>;
  commits: Map<string, { tree: string; parents: string[]; message: string }>;
  /** Files of a tree created through POST git/trees: path → content (over its base tree). */
  trees: Map<string, { base?: string; files: Record<string, string> }>;
  setReadOnly(readOnly: boolean): void;
  /** Refuse every write with this rate-limit reply until called with undefined. */
  setRateLimited(reply: RateLimitReply | undefined): void;
  /** A new push to the pull request: comments whose lines changed become outdated (line null). */
  pushHead(sha: string): Promise<void>;
  close(): Promise<void>;
}

interface PullFile {
  filename: string;
  status: string;
  additions: number;
  deletions: number;
  changes: number;
  patch?: string;
  sha: string;
}

async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', dir, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** The files of a pull request as GitHub lists them: `patch` holds the hunks with 3 lines of context. */
async function pullFiles(dir: string, base: string, head: string): Promise<PullFile[]> {
  const names = (await git(dir, 'diff', '--name-status', '--no-renames', `${base}...${head}`))
    .trim()
    .split('\n')
    .filter(Boolean);
  const files: PullFile[] = [];
  for (const line of names) {
    const [code, filename] = line.split('\t') as [string, string];
    const diff = await git(dir, 'diff', '--no-color', '--no-renames', `${base}...${head}`, '--', filename);
    const at = diff.indexOf('\n@@');
    const patch = at >= 0 ? diff.slice(at + 1).replace(/\n$/, '') : undefined;
    const lines = patch?.split('\n') ?? [];
    const additions = lines.filter((l) => l.startsWith('+')).length;
    const deletions = lines.filter((l) => l.startsWith('-')).length;
    const status = code === 'A' ? 'added' : code === 'D' ? 'removed' : 'modified';
    const sha = status === 'removed' ? '' : (await git(dir, 'rev-parse', `${head}:${filename}`)).trim();
    files.push({ filename, status, additions, deletions, changes: additions + deletions, patch, sha });
  }
  return files;
}

function newSideHunks(patch: string | undefined): { start: number; end: number }[] {
  const hunks: { start: number; end: number }[] = [];
  for (const match of (patch ?? '').matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)) {
    const start = Number(match[1]);
    const count = match[2] === undefined ? 1 : Number(match[2]);
    if (count > 0) hunks.push({ start, end: start + count - 1 });
  }
  return hunks;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

const fakeSha = (...parts: string[]) => createHash('sha1').update(parts.join('\0')).digest('hex');

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  sharedValidator ??= new OpenApiValidator();
  const validator = sharedValidator;
  const { owner, repo, gitDir } = options;
  const fullName = `${owner}/${repo}`;
  let readOnly = options.readOnly ?? false;
  let rateLimited: RateLimitReply | undefined;
  let nextId = 1000;
  // The token is an installation token (`ghs_`), as the workflow's is: it posts as github-actions[bot].
  const user: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
  const state: FakeGitHub = {
    url: '',
    token: `ghs_${createHash('sha1').update(String(Math.random())).digest('hex').slice(0, 36)}`,
    requests: [],
    invalid: [],
    reviewComments: [],
    issueComments: [],
    reviews: [],
    pulls: [],
    refs: new Map(),
    commits: new Map(),
    trees: new Map(),
    setReadOnly: (value) => {
      readOnly = value;
    },
    setRateLimited: (reply) => {
      rateLimited = reply;
    },
    pushHead: async (sha) => {
      const pull = options.pull;
      if (!pull) throw new Error('no pull request');
      const old = pull.head;
      pull.head = sha;
      for (const comment of state.reviewComments) {
        if (comment.line === null || comment.subject_type === 'file') continue;
        const start = comment.start_line ?? comment.line;
        const before = (await git(gitDir, 'show', `${old}:${comment.path}`))
          .split('\n')
          .slice(start - 1, comment.line);
        const after = (await git(gitDir, 'show', `${sha}:${comment.path}`).catch(() => ''))
          .split('\n')
          .slice(start - 1, comment.line);
        if (before.join('\n') !== after.join('\n')) comment.line = null;
        else comment.commit_id = sha;
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  if (options.pull)
    state.pulls.push({
      number: options.pull.number,
      head: '',
      base: 'main',
      title: 'PR',
      body: '',
      state: 'open',
    });

  const repository = {
    id: 1296269,
    node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
    name: repo,
    full_name: fullName,
    private: false,
    owner: { login: owner, id: 1, type: 'User' },
    html_url: `https://github.com/${fullName}`,
    default_branch: 'main',
  };

  const reviewCommentJson = (c: StoredReviewComment) => ({
    url: `${state.url}/repos/${fullName}/pulls/comments/${c.id}`,
    id: c.id,
    node_id: c.node_id,
    pull_request_review_id: c.pull_request_review_id,
    diff_hunk: '',
    path: c.path,
    commit_id: c.commit_id,
    original_commit_id: c.original_commit_id,
    user: c.user ?? user,
    body: c.body,
    created_at: '2026-11-22T00:00:00Z',
    updated_at: '2026-11-22T00:00:00Z',
    html_url: `https://github.com/${fullName}/pull/${options.pull?.number}#discussion_r${c.id}`,
    pull_request_url: `${state.url}/repos/${fullName}/pulls/${options.pull?.number}`,
    author_association: 'NONE',
    line: c.line,
    original_line: c.original_line,
    start_line: c.start_line,
    side: 'RIGHT',
    subject_type: c.subject_type,
  });

  type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
  const forbidden: Reply = {
    status: 403,
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request',
      status: '403',
    },
  };
  const unprocessable = (message: string): Reply => ({
    status: 422,
    body: {
      message: 'Unprocessable Entity',
      errors: [message],
      documentation_url: 'https://docs.github.com/rest',
      status: '422',
    },
  });
  const notFound: Reply = {
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
  };

  async function handle(
    method: string,
    operationId: string,
    params: Record<string, string>,
    query: URLSearchParams,
    body: any,
  ): Promise<Reply> {
    const pull = options.pull;
    if (rateLimited && method !== 'GET') {
      return {
        status: rateLimited.status,
        headers: rateLimited.headers,
        body: { message: rateLimited.message, documentation_url: 'https://docs.github.com/rest' },
      };
    }
    if (readOnly && method !== 'GET') return forbidden;
    // An installation token may not ask who it is over REST.
    if (operationId === 'users/get-authenticated') return { ...forbidden, status: 403 };
    if (params.owner !== owner || params.repo !== repo) return notFound;
    switch (operationId) {
      case 'repos/get':
        return { status: 200, body: repository };
      case 'pulls/get': {
        if (!pull || Number(params.pull_number) !== pull.number) return notFound;
        const head = options.pull?.headRepo ?? fullName;
        return {
          status: 200,
          body: {
            number: pull.number,
            state: 'open',
            html_url: `https://github.com/${fullName}/pull/${pull.number}`,
            base: { ref: 'main', sha: pull.base, repo: repository },
            head: { ref: 'feature', sha: pull.head, repo: { ...repository, full_name: head } },
          },
        };
      }
      case 'pulls/list-files': {
        if (!pull || Number(params.pull_number) !== pull.number) return notFound;
        return { status: 200, body: await pullFiles(gitDir, pull.base, pull.head) };
      }
      case 'repos/get-content': {
        const ref = query.get('ref') ?? 'HEAD';
        const content = await git(gitDir, 'show', `${ref}:${params.path}`).catch(() => undefined);
        if (content === undefined) return notFound;
        const sha = (await git(gitDir, 'rev-parse', `${ref}:${params.path}`)).trim();
        const url = `${state.url}/repos/${fullName}/contents/${params.path}?ref=${ref}`;
        return {
          status: 200,
          body: {
            type: 'file',
            encoding: 'base64',
            size: Buffer.byteLength(content),
            name: String(params.path).split('/').pop(),
            path: params.path,
            content: Buffer.from(content).toString('base64'),
            sha,
            url,
            git_url: null,
            html_url: null,
            download_url: null,
            _links: { self: url, git: null, html: null },
          },
        };
      }
      case 'pulls/list-review-comments':
        return { status: 200, body: state.reviewComments.map(reviewCommentJson) };
      case 'pulls/create-review': {
        if (!pull || Number(params.pull_number) !== pull.number) return notFound;
        if (body.commit_id !== pull.head)
          return unprocessable('commit_id is not the head of the pull request');
        const files = await pullFiles(gitDir, pull.base, pull.head);
        const reviewId = nextId++;
        const created: StoredReviewComment[] = [];
        const seenLines = new Set<string>();
        for (const c of body.comments ?? []) {
          const hunks = newSideHunks(files.find((f) => f.filename === c.path)?.patch);
          const start = c.start_line ?? c.line;
          if (c.start_line !== undefined && c.start_line >= c.line)
            return unprocessable('start_line must precede line');
          const hunk = hunks.find((h) => h.start <= c.line && c.line <= h.end);
          if (!hunk || options.refuseInlineOn?.includes(c.path))
            return unprocessable('pull_request_review_thread.line must be part of the diff');
          if (start < hunk.start)
            return unprocessable(
              'pull_request_review_thread.start_line must be part of the same hunk as the line.',
            );
          // GitHub applies at most one suggestion per line in a batch.
          const key = `${c.path}:${c.line}`;
          if (seenLines.has(key)) return unprocessable('two suggestions on one line');
          seenLines.add(key);
          if (String(c.body).length >= 65_536)
            return unprocessable('Body is too long (maximum is 65536 characters)');
          const id = nextId++;
          created.push({
            id,
            node_id: `PRRC_${id}`,
            pull_request_review_id: reviewId,
            path: c.path,
            body: c.body,
            commit_id: pull.head,
            original_commit_id: pull.head,
            line: c.line,
            original_line: c.line,
            start_line: c.start_line ?? null,
            subject_type: 'line',
            minimized: false,
          });
        }
        state.reviewComments.push(...created);
        state.reviews.push({ id: reviewId, commit_id: body.commit_id, body: body.body ?? '' });
        return {
          status: 200,
          body: {
            id: reviewId,
            node_id: `PRR_${reviewId}`,
            user,
            body: body.body ?? '',
            state: 'COMMENTED',
            commit_id: body.commit_id,
            html_url: `https://github.com/${fullName}/pull/${pull.number}#pullrequestreview-${reviewId}`,
            pull_request_url: `${state.url}/repos/${fullName}/pulls/${pull.number}`,
            author_association: 'NONE',
            _links: { html: { href: '' }, pull_request: { href: '' } },
            submitted_at: '2026-11-22T00:00:00Z',
          },
        };
      }
      case 'pulls/create-review-comment': {
        if (!pull || Number(params.pull_number) !== pull.number) return notFound;
        const files = await pullFiles(gitDir, pull.base, pull.head);
        if (!files.some((f) => f.filename === body.path))
          return unprocessable('path is not part of the pull request');
        if (body.subject_type !== 'file')
          return unprocessable('this fake only takes file-level comments here');
        if (String(body.body).length >= 65_536)
          return unprocessable('Body is too long (maximum is 65536 characters)');
        const id = nextId++;
        const comment: StoredReviewComment = {
          id,
          node_id: `PRRC_${id}`,
          pull_request_review_id: null,
          path: body.path,
          body: body.body,
          commit_id: body.commit_id,
          original_commit_id: body.commit_id,
          line: null,
          original_line: null,
          start_line: null,
          subject_type: 'file',
          minimized: false,
        };
        state.reviewComments.push(comment);
        return { status: 201, body: reviewCommentJson(comment) };
      }
      case 'pulls/update-review-comment': {
        const comment = state.reviewComments.find((c) => c.id === Number(params.comment_id));
        if (!comment) return notFound;
        comment.body = body.body;
        return { status: 200, body: reviewCommentJson(comment) };
      }
      case 'issues/list-comments':
        return {
          status: 200,
          body: state.issueComments.map((c) => ({
            id: c.id,
            node_id: `IC_${c.id}`,
            body: c.body,
            user: c.user ?? user,
            author_association: 'NONE',
          })),
        };
      case 'issues/create-comment': {
        if (String(body.body).length >= 65_536)
          return unprocessable('Body is too long (maximum is 65536 characters)');
        const comment = { id: nextId++, body: body.body as string };
        state.issueComments.push(comment);
        return { status: 201, body: { ...comment, node_id: `IC_${comment.id}`, user } };
      }
      case 'issues/update-comment': {
        const comment = state.issueComments.find((c) => c.id === Number(params.comment_id));
        if (!comment) return notFound;
        comment.body = body.body;
        return { status: 200, body: { ...comment, node_id: `IC_${comment.id}`, user: comment.user ?? user } };
      }
      case 'git/get-commit': {
        const stored = state.commits.get(params.commit_sha as string);
        if (stored)
          return {
            status: 200,
            body: { sha: params.commit_sha, tree: { sha: stored.tree }, message: stored.message },
          };
        const tree = (await git(gitDir, 'rev-parse', `${params.commit_sha}^{tree}`).catch(() => '')).trim();
        if (!tree) return notFound;
        return {
          status: 200,
          body: { sha: params.commit_sha, tree: { sha: tree, url: '' }, message: '', parents: [] },
        };
      }
      case 'git/get-tree': {
        const listing = await git(gitDir, 'ls-tree', '-l', params.tree_sha as string).catch(() => undefined);
        if (listing === undefined) return notFound;
        const tree = listing
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [meta = '', path = ''] = line.split('\t');
            const [mode, type, sha, size] = meta.split(/\s+/);
            const url = `${state.url}/repos/${fullName}/git/${type}s/${sha}`;
            return { path, mode, type, sha, url, ...(type === 'blob' ? { size: Number(size) } : {}) };
          });
        return { status: 200, body: { sha: params.tree_sha, url: '', tree, truncated: false } };
      }
      case 'git/create-tree': {
        const files: Record<string, string> = {};
        for (const entry of body.tree) files[entry.path] = entry.content;
        const sha = fakeSha('tree', body.base_tree ?? '', JSON.stringify(files));
        state.trees.set(sha, { base: body.base_tree, files });
        return { status: 201, body: { sha, url: '', tree: [], truncated: false } };
      }
      case 'git/create-commit': {
        if (!state.trees.has(body.tree)) return unprocessable('tree does not exist');
        const sha = fakeSha('commit', body.tree, ...(body.parents ?? []), body.message, String(nextId++));
        state.commits.set(sha, { tree: body.tree, parents: body.parents ?? [], message: body.message });
        return {
          status: 201,
          body: {
            sha,
            node_id: '',
            url: '',
            html_url: '',
            tree: { sha: body.tree },
            message: body.message,
            parents: [],
          },
        };
      }
      case 'git/get-ref': {
        const sha = state.refs.get(params.ref as string);
        if (!sha) return notFound;
        return {
          status: 200,
          body: { ref: `refs/${params.ref}`, node_id: '', url: '', object: { type: 'commit', sha, url: '' } },
        };
      }
      case 'git/create-ref': {
        const ref = String(body.ref).replace(/^refs\//, '');
        if (state.refs.has(ref)) return unprocessable('Reference already exists');
        state.refs.set(ref, body.sha);
        return {
          status: 201,
          body: { ref: body.ref, node_id: '', url: '', object: { type: 'commit', sha: body.sha, url: '' } },
        };
      }
      case 'git/update-ref': {
        if (!state.refs.has(params.ref as string)) return unprocessable('Reference does not exist');
        state.refs.set(params.ref as string, body.sha);
        return {
          status: 200,
          body: {
            ref: `refs/${params.ref}`,
            node_id: '',
            url: '',
            object: { type: 'commit', sha: body.sha, url: '' },
          },
        };
      }
      case 'pulls/list': {
        const head = query.get('head');
        const wanted = query.get('state') ?? 'open';
        const list = state.pulls.filter(
          (p) => (!head || `${owner}:${p.head}` === head) && (wanted === 'all' || p.state === wanted),
        );
        return {
          status: 200,
          body: list.map((p) => ({
            number: p.number,
            html_url: `https://github.com/${fullName}/pull/${p.number}`,
            state: p.state,
            title: p.title,
            user: p.user ?? user,
          })),
        };
      }
      case 'pulls/create': {
        if (!state.refs.has(`heads/${body.head}`)) return unprocessable(`head ${body.head} does not exist`);
        const number = state.pulls.length + 1;
        state.pulls.push({
          number,
          head: body.head,
          base: body.base,
          title: body.title,
          body: body.body,
          state: 'open',
        });
        return {
          status: 201,
          body: {
            number,
            html_url: `https://github.com/${fullName}/pull/${number}`,
            state: 'open',
            title: body.title,
          },
        };
      }
      case 'pulls/update': {
        const found = state.pulls.find((p) => p.number === Number(params.pull_number));
        if (!found) return notFound;
        Object.assign(found, { title: body.title ?? found.title, body: body.body ?? found.body });
        return {
          status: 200,
          body: {
            number: found.number,
            html_url: `https://github.com/${fullName}/pull/${found.number}`,
            state: found.state,
          },
        };
      }
      default:
        return { status: 501, body: { message: `the fake does not implement ${operationId}` } };
    }
  }

  function graphql(body: any): Reply {
    const query = String(body?.query ?? '');
    const problems: string[] = [];
    if (typeof body?.query !== 'string') problems.push('graphql: query is not a string');
    if (
      body?.variables !== undefined &&
      (typeof body.variables !== 'object' || Array.isArray(body.variables))
    ) {
      problems.push('graphql: variables is not an object');
    }
    const known = new Set(['query', 'variables', 'operationName']);
    for (const key of Object.keys(body ?? {}))
      if (!known.has(key)) problems.push(`graphql: unknown field ${key}`);
    const mutation =
      /mutation\s*\(\s*\$id\s*:\s*ID!\s*\)\s*\{\s*minimizeComment\s*\(\s*input\s*:\s*\{\s*subjectId\s*:\s*\$id\s*,\s*classifier\s*:\s*(OUTDATED|SPAM|ABUSE|OFF_TOPIC|RESOLVED|DUPLICATE)\s*\}\s*\)/.exec(
        query,
      );
    if (/^\s*query\s*\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test(query) && problems.length === 0) {
      if (options.refuseViewer) {
        return {
          status: 200,
          body: { errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] },
        };
      }
      return { status: 200, body: { data: { viewer: { login: user.login } } } };
    }
    if (!mutation) problems.push(`graphql: not a minimizeComment or viewer query: ${query}`);
    if (problems.length > 0) {
      state.invalid.push(...problems);
      return { status: 200, body: { errors: problems.map((message) => ({ message })) } };
    }
    if (readOnly)
      return {
        status: 200,
        body: { errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] },
      };
    const comment = state.reviewComments.find((c) => c.node_id === body.variables?.id);
    if (!comment)
      return {
        status: 200,
        body: {
          errors: [
            {
              type: 'NOT_FOUND',
              message: `Could not resolve to a node with the global id of '${body.variables?.id}'`,
            },
          ],
        },
      };
    comment.minimized = true;
    return { status: 200, body: { data: { minimizeComment: { minimizedComment: { isMinimized: true } } } } };
  }

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const text = await readBody(req);
    let body: unknown;
    const record = (status: number, operationId?: string) =>
      state.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        operationId,
        query: Object.fromEntries(url.searchParams),
        body,
        status,
      });
    const send = (reply: Reply) => {
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    };
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      state.invalid.push(`${req.method} ${url.pathname}: body is not JSON`);
      record(400);
      return send({ status: 400, body: { message: 'Problems parsing JSON' } });
    }
    if (req.headers.authorization !== `token ${state.token}`) {
      state.invalid.push(
        `${req.method} ${url.pathname}: authorization header is ${req.headers.authorization ?? 'missing'}`,
      );
      record(401);
      return send({ status: 401, body: { message: 'Bad credentials' } });
    }
    if (url.pathname === '/graphql' && req.method === 'POST') {
      const reply = graphql(body);
      record(reply.status, 'graphql');
      return send(reply);
    }
    const checked = validator.check({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body,
    });
    if (checked.problems.length > 0) {
      state.invalid.push(...checked.problems.map((p) => `${req.method} ${url.pathname}: ${p}`));
      record(422, checked.operationId);
      return send(unprocessable(checked.problems.join('; ')));
    }
    let reply: Reply;
    try {
      reply = await handle(
        req.method ?? 'GET',
        checked.operationId as string,
        checked.params,
        url.searchParams,
        body,
      );
    } catch (error) {
      reply = { status: 500, body: { message: String(error) } };
    }
    record(reply.status, checked.operationId);
    send(reply);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

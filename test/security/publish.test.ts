import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readEvent } from '../../src/action/event.js';
import { writeReports } from '../../src/action/outputs.js';
import { publishToPull } from '../../src/action/publish-to-pull.js';
import { GitHubClient } from '../../src/github/github-client.js';
import { planComments, publishReview } from '../../src/github/publish-review.js';
import { publishSweep, sweepBranch } from '../../src/github/publish-sweep.js';
import type { CandidateEvidence } from '../../src/optimize/candidate-evidence.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { renderSuggestionComment } from '../../src/report/review-comment.js';
import { renderSummaryComment } from '../../src/report/summary-comment.js';
import { renderSweepBody } from '../../src/report/sweep-body.js';
import type { RunReport, SuggestionReport } from '../../src/report/types.js';
import { reportWith, suggestionFor } from '../github/report-fixture.js';
import { pullRequestOpened } from '../helpers/action-run.js';
import { type FakeGitHub, otherUser, startFakeGitHub } from '../helpers/fake-github.js';
import { expectGolden } from '../helpers/golden.js';

const run = promisify(execFile);
const footer = { version: '0.1.0', provider: 'rules', model: 'catalog', inputTokens: 0, outputTokens: 0 };
const summaryMarker = '<!-- afterburner:summary -->';

async function git(dir: string, ...args: string[]): Promise<string> {
  const env = {
    ...process.env,
    GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  };
  const identity = ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid'];
  return (await run('git', [...identity, '-C', dir, ...args], { env })).stdout.trim();
}

const original = 'export function pick(list, wanted) {\n  return list.filter((x) => wanted.includes(x));\n}';
const replacement =
  'export function pick(list, wanted) {\n  const set = new Set(wanted);\n  return list.filter((x) => set.has(x));\n}';

/** Text outside code: what GitHub renders as Markdown, where mentions, links, images and HTML take effect. */
function outsideCode(body: string): string {
  return body.replace(/^(`{3,}).*\n[\s\S]*?\n\1$/gm, '').replace(/(`+)(?:(?!\1)[^`]|`(?!\1))*?\1/g, '');
}

/** The problems GitHub would turn into mentions, links, images, HTML or broken tables in a rendered body. */
function liveMarkup(body: string): string[] {
  const text = outsideCode(body);
  const problems: string[] = [];
  if (/@[A-Za-z0-9]/.test(text)) problems.push('a mention');
  if (/https?:\/\/|www\./i.test(text)) problems.push('a bare link');
  if (/(^|[^\\])\]\(/.test(text)) problems.push('a Markdown link or image');
  if (/<(?!\/?(details|summary|sub)>|!-- afterburner:)/.test(text)) problems.push('raw HTML');
  // Every table row holds as many unescaped pipes as its header, and a blank line ends the table.
  const lines = body.split('\n');
  const columns = (row: string) => row.replace(/\\\|/g, '').split('|').length;
  lines.forEach((line, i) => {
    if (!line.startsWith('| ') || !lines[i + 1]?.startsWith('| ---')) return;
    let j = i + 1;
    for (; lines[j]?.startsWith('|'); j++) {
      if (columns(lines[j] as string) !== columns(line)) problems.push(`a table row of its own: ${lines[j]}`);
    }
    if (lines[j]?.trim()) problems.push(`a table cell broken onto the next line: ${lines[j]}`);
  });
  return problems;
}

const hostileMessage =
  'AssertionError: expected 1 to be 2 @octocat ![img](http://x) <img src=x onerror=alert(1)> ' +
  '[click](javascript:alert(1)) see www.evil.example\n| injected | row |';

/** Candidates whose every free-text field a model or the pull request's tests could have shaped. */
const hostileCandidates: CandidateEvidence[] = [
  {
    iteration: 1,
    candidate: 1,
    source: 'model [m](https://evil.example/@octocat)',
    verdict: 'tests-failed',
    reason: hostileMessage,
    failingTests: [{ name: '<img src=x onerror=alert(1)> @octocat', message: hostileMessage }],
  },
  {
    iteration: 1,
    candidate: 2,
    source: 'model <b>x</b>',
    verdict: 'differs',
    reason: hostileMessage,
    difference: {
      call: 0,
      what: 'return value',
      input: hostileMessage,
      expected: '@octocat',
      actual: '</details>',
    },
  },
  { iteration: 2, candidate: 0, source: 'model m', verdict: 'model-error', reason: hostileMessage },
];

/** A report as a hostile pull request (or a forged artifact) can shape it, with every free-text field loaded. */
function hostileReport(suggestion: SuggestionReport, headSha: string): RunReport {
  const report = reportWith([suggestion], headSha);
  return {
    ...report,
    sandbox: { ...report.sandbox, description: 'Docker <script>alert(1)</script> @octocat' },
    provider: { name: 'openai', model: '[m](https://evil.example/@octocat)' },
    notices: ['head dependencies: see https://evil.example and ping @octocat <b>now</b>'],
    skipped: [
      {
        path: 'src/we|ird\nname.js',
        name: 'f@octocat',
        startLine: 3,
        stage: 'prepare',
        reason: `the tests fail before any change: ${hostileMessage}`,
        candidates: hostileCandidates,
      },
      { path: 'src/<img src=x onerror=alert(1)>.js', stage: 'detect', reason: '<details><summary>x' },
    ],
  };
}

describe('what afterburner posts and writes cannot be turned against the pull request', () => {
  let dir: string;
  let base: string;
  let head: string;
  let fake: FakeGitHub;
  let client: GitHubClient;
  let suggestion: SuggestionReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'afterburner-security-'));
    await git(dir, 'init', '--quiet', '--initial-branch=main');
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src/m.js'), 'export function pick(list, wanted) {\n  return list;\n}\n');
    await git(dir, 'add', '.');
    await git(dir, 'commit', '--quiet', '-m', 'base');
    base = await git(dir, 'rev-parse', 'HEAD');
    await writeFile(join(dir, 'src/m.js'), `${original}\n`);
    await git(dir, 'commit', '--quiet', '-am', 'head');
    head = await git(dir, 'rev-parse', 'HEAD');
    suggestion = suggestionFor({
      path: 'src/m.js',
      name: 'pick',
      startLine: 1,
      endLine: 3,
      original,
      replacement,
    });
  });

  beforeEach(async () => {
    fake = await startFakeGitHub({
      owner: 'octo',
      repo: 'demo',
      gitDir: dir,
      pull: { number: 7, base, head },
    });
    client = new GitHubClient({
      token: fake.token,
      baseUrl: fake.url,
      repo: { owner: 'octo', repo: 'demo' },
      rateLimitRetries: 0,
    });
  });

  afterEach(() => fake.close());
  afterAll(() => rm(dir, { recursive: true, force: true }));

  describe('item 4: only comments the token wrote are ever edited, minimized or taken as ours', () => {
    it('leaves comments by someone else that carry our markers untouched, and posts its own', async () => {
      const report = reportWith([suggestion], head);
      // What afterburner is about to post, copied by another user: same fingerprint, same summary marker.
      const [planned] = planComments({
        report,
        hunks: new Map([['src/m.js', [{ start: 1, end: 3 }]]]),
        footer,
      });
      const copy = {
        id: 1,
        node_id: 'PRRC_1',
        pull_request_review_id: null,
        path: 'src/m.js',
        body: planned?.body ?? '',
        commit_id: head,
        original_commit_id: head,
        line: 3,
        original_line: 3,
        start_line: 1,
        subject_type: 'line' as const,
        minimized: false,
        user: otherUser,
      };
      // A stale-looking "suggestion" on an older commit: ours would be retired as outdated, this one must not.
      const stale = {
        ...copy,
        id: 2,
        node_id: 'PRRC_2',
        body: 'looks like yours <!-- afterburner:fp=src%2Fm.js%3Apick~0123456789abcdef -->',
        commit_id: base,
        original_commit_id: base,
        line: null,
      };
      fake.reviewComments.push(copy, stale);
      const foreignSummary = { id: 3, body: `my own notes ${summaryMarker}`, user: otherUser };
      fake.issueComments.push(foreignSummary);
      const before = structuredClone({ reviews: fake.reviewComments, issues: fake.issueComments });

      const result = await publishReview({ client, pullNumber: 7, headSha: head, report, footer });

      expect(fake.invalid).toEqual([]);
      expect(fake.reviewComments.slice(0, 2)).toEqual(before.reviews);
      expect(fake.issueComments[0]).toEqual(before.issues[0]);
      const touched = fake.requests.filter(
        (r) =>
          /\/comments\/[123]$/.test(r.path) ||
          /PRRC_[12]\b/.test(JSON.stringify((r.body as { variables?: unknown })?.variables ?? '')),
      );
      expect(touched.filter((r) => r.method !== 'GET')).toEqual([]);
      expect(result).toMatchObject({ inline: 1, unchanged: 0, outdated: 0, summary: 'created' });
      const ours = fake.reviewComments.filter((c) => c.user === undefined);
      expect(ours).toHaveLength(1);
      expect(fake.issueComments).toHaveLength(2);
      expect(fake.issueComments[1]?.user).toBeUndefined();

      // The next run finds its own comments (and only those) and leaves everything as it is.
      const again = await publishReview({ client, pullNumber: 7, headSha: head, report, footer });
      expect(again).toMatchObject({ inline: 0, unchanged: 1, outdated: 0, summary: 'unchanged' });
      expect(fake.reviewComments.slice(0, 2)).toEqual(before.reviews);
    });

    it('knows the workflow token as github-actions[bot], and takes bot-login over asking', async () => {
      expect(await client.self()).toEqual({ login: 'github-actions[bot]', type: 'Bot' });
      const named = new GitHubClient({
        token: fake.token,
        baseUrl: fake.url,
        repo: { owner: 'octo', repo: 'demo' },
        login: otherUser.login,
      });
      expect(await named.isOwn({ login: 'mallory', type: 'User' })).toBe(true);
      expect(await named.isOwn({ login: 'github-actions[bot]', type: 'Bot' })).toBe(false);
      // Only a bot account can be github-actions[bot].
      expect(await client.isOwn({ login: 'github-actions[bot]', type: 'User' })).toBe(false);
    });

    it('takes a token that GitHub will not name (no viewer, no GET /user) for the workflow token', async () => {
      const silent = await startFakeGitHub({
        owner: 'octo',
        repo: 'demo',
        gitDir: dir,
        pull: { number: 7, base, head },
        refuseViewer: true,
      });
      try {
        const logged: string[] = [];
        const unnamed = new GitHubClient({
          token: silent.token,
          baseUrl: silent.url,
          repo: { owner: 'octo', repo: 'demo' },
          log: (line) => logged.push(line),
        });
        expect(await unnamed.self()).toEqual({ login: 'github-actions[bot]', type: 'Bot' });
        expect(silent.requests.map((r) => r.operationId)).toEqual(['graphql', 'users/get-authenticated']);
        expect(logged.join('\n')).toMatch(/bot-login/);
      } finally {
        await silent.close();
      }
    });
    it("never edits a sweep pull request someone else opened from afterburner's branch", async () => {
      fake.pulls.push({
        number: 8,
        head: sweepBranch,
        base: 'main',
        title: 'mine',
        body: 'my words',
        state: 'open',
        user: otherUser,
      });
      const result = await publishSweep({
        client,
        repo: dir,
        report: reportWith([suggestion], head),
        baseBranch: 'main',
      });
      expect(fake.invalid).toEqual([]);
      expect(result.pull).toBeUndefined();
      expect(result.reason).toMatch(/opened by mallory/);
      expect(fake.pulls).toEqual([
        expect.objectContaining({ number: 7 }),
        expect.objectContaining({ number: 8, title: 'mine', body: 'my words' }),
      ]);
    });
  });

  describe('item 5: text the pull request controls is posted and written inert', () => {
    it('renders every body without live mentions, links, images, HTML or broken tables (golden)', () => {
      const hostile: SuggestionReport = {
        ...suggestion,
        path: 'src/we|ird\n## name @octocat.js',
        name: 'pick<img src=x onerror=alert(1)>',
        tests: {
          ...suggestion.tests,
          command: 'npm test -- --reporter=`@octocat`',
          files: ['test/[x](http://x).test.js'],
          preexistingFailures: [hostileMessage],
        },
        source: 'model @octocat <img src=x onerror=alert(1)>',
        candidates: hostileCandidates,
      };
      const report = hostileReport(hostile, head);
      const bodies = {
        'security/hostile-summary-comment.md': renderSummaryComment({ report, marker: summaryMarker }),
        'security/hostile-report.md': renderMarkdownReport(report),
        'security/hostile-review-comment.md': renderSuggestionComment({
          suggestion: hostile,
          placement: 'file',
          footer: { ...footer, model: report.provider.model },
          marker: '<!-- afterburner:fp=x~0 -->',
        }),
        'security/hostile-sweep-body.md': renderSweepBody({
          report,
          applied: [hostile],
          leftOut: [hostile],
          marker: '<!-- afterburner:sweep -->',
        }),
      };
      for (const [name, body] of Object.entries(bodies)) {
        expect(liveMarkup(body), name).toEqual([]);
        expectGolden(name, body);
      }
    });

    it('posts the summary comment of a hostile report inert', async () => {
      const result = await publishReview({
        client,
        pullNumber: 7,
        headSha: head,
        report: hostileReport(suggestion, head),
        footer,
      });
      expect(fake.invalid).toEqual([]);
      expect(result.summary).toBe('created');
      const posted = [...fake.issueComments, ...fake.reviewComments].map((c) => c.body);
      for (const body of posted) expect(liveMarkup(body)).toEqual([]);
    });
  });

  describe('item 6: secrets are redacted from everything posted or written', () => {
    it('posts and writes a report holding the token without it', async () => {
      const report = hostileReport(suggestion, head);
      // A process-sandbox test read the token from /proc/*/environ and failed with it in its message.
      report.skipped[0] = { ...report.skipped[0], reason: `expected ${fake.token} to be undefined` } as never;
      report.notices.push(`token: ${fake.token}`);
      await publishReview({ client, pullNumber: 7, headSha: head, report, footer });
      const sent = JSON.stringify(fake.requests.map((r) => r.body));
      expect(sent).toContain('***');
      expect(sent).not.toContain(fake.token);
      const out = await mkdtemp(join(tmpdir(), 'afterburner-security-out-'));
      try {
        const paths = await writeReports(report, out, 'afterburner-report');
        for (const path of [paths.markdownPath, paths.jsonPath]) {
          const text = await readFile(path, 'utf8');
          expect(text).toContain('***');
          expect(text).not.toContain(fake.token);
        }
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    });
  });

  describe('item 12: messages name the event file and tell a rate limit from a read-only token', () => {
    it('a malformed event file is a one-line error naming the file', async () => {
      const path = join(dir, '..', `afterburner-event-${process.pid}.json`);
      const payload = JSON.stringify(pullRequestOpened(base, head));
      await writeFile(path, payload.slice(0, payload.length / 2));
      try {
        const error = await readEvent({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path }).catch(
          (e: Error) => e,
        );
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toContain(path);
        expect((error as Error).message).toMatch(/not valid JSON/);
        expect((error as Error).message).not.toContain('\n');
        const missing = await readEvent({
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_EVENT_PATH: `${path}.gone`,
        }).catch((e: Error) => e);
        expect((missing as Error).message).toContain(`${path}.gone`);
      } finally {
        await rm(path, { force: true });
      }
    });

    const post = () =>
      publishToPull({
        client,
        inputs: { commentStyle: 'review', commentWhenEmpty: false },
        pullNumber: 7,
        report: reportWith([suggestion], head),
      });

    it('a primary rate limit (403, no requests left) says "rate limited" and when it resets', async () => {
      const reset = Math.floor(Date.now() / 1000) + 1800;
      fake.setRateLimited({
        status: 403,
        headers: {
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(reset),
        },
        message: 'API rate limit exceeded for installation ID 1.',
      });
      const result = await post();
      expect(result.posted).toBe(false);
      const reason = (result as { reason: string }).reason;
      expect(reason).toMatch(/rate limited/);
      expect(reason).toContain(new Date(reset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
      expect(reason).not.toMatch(/read-only/);
    });

    it('a secondary rate limit (403 with retry-after) says "rate limited" and when to retry', async () => {
      fake.setRateLimited({
        status: 403,
        headers: { 'retry-after': '60' },
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      });
      const result = await post();
      const reason = (result as { reason: string }).reason;
      expect(reason).toMatch(/rate limited.*secondary rate limit.*retry after \S+ \(in 60 s\)/);
      expect(reason).not.toMatch(/read-only/);
    });

    it('a plain 403 is still reported as a token that may not write', async () => {
      fake.setReadOnly(true);
      const result = await post();
      expect((result as { reason: string }).reason).toMatch(/probably read-only/);
    });
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubClient } from '../../src/github/github-client.js';
import { publishReview } from '../../src/github/publish-review.js';
import type { SuggestionReport } from '../../src/report/types.js';
import { type FakeGitHub, isWrite, startFakeGitHub } from '../helpers/fake-github.js';
import { expectGolden } from '../helpers/golden.js';
import { reportWith, suggestionFor } from './report-fixture.js';

const run = promisify(execFile);
const footer = { version: '0.1.0', provider: 'rules', model: 'catalog', inputTokens: 0, outputTokens: 0 };

async function git(dir: string, ...args: string[]): Promise<string> {
  const identity = ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid'];
  // Fixed dates keep commit shas, and so the golden bodies, the same on every run.
  const env = {
    ...process.env,
    GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  };
  return (await run('git', [...identity, '-C', dir, ...args], { env })).stdout.trim();
}

// A function of 16 lines with one changed line in the middle: its hunk (3 lines of context) cannot hold it.
const longFunction = (marker: string) =>
  [
    'export function longOne(items) {',
    ...Array.from({ length: 14 }, (_, i) =>
      i === 7 ? `  const changed = '${marker}';` : `  const v${i} = ${i};`,
    ),
    '  return items.filter((x) => items.indexOf(x) >= 0);',
    '}',
  ].join('\n');
const shortFunction = (body: string) => `export function shortOne(list, wanted) {\n  ${body}\n}`;

function fileText(marker: string, shortBody: string): string {
  return `// module\n\n${longFunction(marker)}\n\n${shortFunction(shortBody)}\n`;
}

describe('publishReview against the OpenAPI-validated fake', () => {
  let dir: string;
  let base: string;
  let head: string;
  let fake: FakeGitHub;
  let client: GitHubClient;

  const suggestionsAt = async (sha: string): Promise<SuggestionReport[]> => {
    const lines = (await git(dir, 'show', `${sha}:src/m.js`)).split('\n');
    const find = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix)) + 1;
    const longStart = find('export function longOne');
    const shortStart = find('export function shortOne');
    const slice = (s: number, e: number) => lines.slice(s - 1, e).join('\n');
    return [
      suggestionFor({
        path: 'src/m.js',
        name: 'longOne',
        startLine: longStart,
        endLine: longStart + 16,
        original: slice(longStart, longStart + 16),
        replacement: slice(longStart, longStart + 14).concat(
          '\n  const set = new Set(items);\n  return items.filter((x) => set.has(x));\n}',
        ),
      }),
      suggestionFor({
        path: 'src/m.js',
        name: 'shortOne',
        startLine: shortStart,
        endLine: shortStart + 2,
        original: slice(shortStart, shortStart + 2),
        replacement:
          'export function shortOne(list, wanted) {\n  const set = new Set(wanted);\n  return list.filter((x) => set.has(x));\n}',
        speedup: 2.4,
      }),
    ];
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'afterburner-publish-'));
    await git(dir, 'init', '--quiet', '--initial-branch=main');
    await run('mkdir', ['-p', join(dir, 'src')]);
    await writeFile(join(dir, 'src/m.js'), fileText('a', 'return list.filter((x) => wanted.includes(x));'));
    await git(dir, 'add', '.');
    await git(dir, 'commit', '--quiet', '-m', 'base');
    base = await git(dir, 'rev-parse', 'HEAD');
    await writeFile(
      join(dir, 'src/m.js'),
      fileText('b', 'return list.filter((x) => wanted.indexOf(x) !== -1);'),
    );
    await git(dir, 'commit', '--quiet', '-am', 'head');
    head = await git(dir, 'rev-parse', 'HEAD');
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
    });
  });

  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('posts one review with the in-hunk suggestion inline and the other at file level, then stays quiet', async () => {
    const report = reportWith(await suggestionsAt(head), head);
    const first = await publishReview({ client, pullNumber: 7, headSha: head, report, footer });
    expect(fake.invalid).toEqual([]);
    expect(first).toMatchObject({ inline: 1, reviews: 1, fileLevel: 1, summary: 'created', outdated: 0 });
    const inline = fake.reviewComments.find((c) => c.subject_type === 'line');
    const file = fake.reviewComments.find((c) => c.subject_type === 'file');
    expect(inline?.body).toContain('```suggestion\n');
    expect(file?.body).not.toContain('```suggestion');
    expectGolden('github/review-comment-inline.md', inline?.body ?? '');
    expectGolden('github/review-comment-file.md', file?.body ?? '');
    expectGolden('github/summary-comment.md', fake.issueComments[0]?.body ?? '');

    const writes = fake.requests.length;
    const second = await publishReview({ client, pullNumber: 7, headSha: head, report, footer });
    expect(second).toMatchObject({ inline: 0, fileLevel: 0, unchanged: 2, summary: 'unchanged' });
    expect(fake.requests.slice(writes).filter(isWrite)).toEqual([]);
  });

  it('after a push that changes a function, posts the new suggestion and minimizes the outdated one', async () => {
    await writeFile(
      join(dir, 'src/m.js'),
      fileText('b', 'return list.filter((x) => wanted.lastIndexOf(x) !== -1);'),
    );
    await git(dir, 'commit', '--quiet', '-am', 'push 2');
    const newHead = await git(dir, 'rev-parse', 'HEAD');
    await fake.pushHead(newHead);
    const before = fake.reviewComments.length;
    const report = reportWith(await suggestionsAt(newHead), newHead);
    const result = await publishReview({ client, pullNumber: 7, headSha: newHead, report, footer });
    expect(fake.invalid).toEqual([]);
    expect(result).toMatchObject({ inline: 1, outdated: 1, summary: 'updated' });
    expect(fake.reviewComments).toHaveLength(before + 1);
    const old = fake.reviewComments.find((c) => c.subject_type === 'line' && c.line === null);
    expect(old?.minimized).toBe(true);
    expect(old?.body).toContain('<!-- afterburner:outdated -->');
    expect(fake.issueComments).toHaveLength(1);
  });

  it('a read-only token fails with HTTP 403 before anything is posted', async () => {
    fake.setReadOnly(true);
    try {
      const report = reportWith(await suggestionsAt(head), head);
      report.suggestions[1] = {
        ...(report.suggestions[1] as SuggestionReport),
        replacement: 'export const x = 1;',
      };
      await expect(
        publishReview({
          client,
          pullNumber: 7,
          headSha: await git(dir, 'rev-parse', 'HEAD'),
          report,
          footer,
        }),
      ).rejects.toMatchObject({ status: 403 });
    } finally {
      fake.setReadOnly(false);
    }
  });

  it('re-posts a comment GitHub refuses as outside the diff at file level, without failing the others', async () => {
    await writeFile(
      join(dir, 'src/other.js'),
      `${shortFunction('return list.filter((x) => wanted.includes(x));')}\n`,
    );
    await git(dir, 'add', '.');
    await git(dir, 'commit', '--quiet', '-m', 'other');
    const newHead = await git(dir, 'rev-parse', 'HEAD');
    const refusing = await startFakeGitHub({
      owner: 'octo',
      repo: 'demo',
      gitDir: dir,
      pull: { number: 7, base, head: newHead },
      refuseInlineOn: ['src/other.js'],
    });
    try {
      const refusingClient = new GitHubClient({
        token: refusing.token,
        baseUrl: refusing.url,
        repo: { owner: 'octo', repo: 'demo' },
      });
      const other = suggestionFor({
        path: 'src/other.js',
        name: 'shortOne',
        startLine: 1,
        endLine: 3,
        original: shortFunction('return list.filter((x) => wanted.includes(x));'),
        replacement: shortFunction('const set = new Set(wanted);\n  return list.filter((x) => set.has(x));'),
      });
      const report = reportWith([...(await suggestionsAt(newHead)).slice(1), other], newHead);
      const result = await publishReview({
        client: refusingClient,
        pullNumber: 7,
        headSha: newHead,
        report,
        footer,
      });
      expect(refusing.invalid).toEqual([]);
      expect(result).toMatchObject({ inline: 1, movedToFile: 1, fileLevel: 1 });
      expect(refusing.reviewComments.map((c) => [c.path, c.subject_type])).toEqual([
        ['src/m.js', 'line'],
        ['src/other.js', 'file'],
      ]);
      // The refused batch created nothing; halving it found the one comment GitHub would not take.
      expect(
        refusing.requests.filter((r) => r.operationId === 'pulls/create-review').map((r) => r.status),
      ).toEqual([422, 200, 422]);
    } finally {
      await refusing.close();
    }
  });

  it('the fake rejects requests that break the OpenAPI description', async () => {
    const count = fake.invalid.length;
    const response = await fetch(`${fake.url}/repos/octo/demo/pulls/7/reviews`, {
      method: 'POST',
      headers: { authorization: `token ${fake.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        event: 'COMMENT',
        comments: [{ path: 'src/m.js', line: 'x', body: 'b' }],
        typo: 1,
      }),
    });
    expect(response.status).toBe(422);
    expect(fake.invalid.slice(count).join('\n')).toMatch(/line.*integer|must be integer/);
    expect(fake.invalid.slice(count).join('\n')).toMatch(/additional propert/);
    fake.invalid.splice(count);
  });
});

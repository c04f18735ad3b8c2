import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureRepo } from '../../src/demo/materialize-fixture.js';
import type { RunReport } from '../../src/report/types.js';
import {
  normalize,
  openPullRequestRig,
  output,
  type PullRequestRig,
  runAction,
  workflowRunCompleted,
} from '../helpers/action-run.js';
import { type FakeGitHub, isWrite } from '../helpers/fake-github.js';
import { expectGolden } from '../helpers/golden.js';

const fork = 'someone/tagged-posts';
const nameOf = (body: string) => /^\*\*`([^`]+)`/.exec(body)?.[1];

describe('the fork-safe pair: pull_request computes, workflow_run posts (mode post)', () => {
  let rig: PullRequestRig;
  let fixture: FixtureRepo;
  let runnerTemp: string;
  let fake: FakeGitHub;
  let computed: RunReport;
  /** The post job's checkout: it never holds the pull request's code. */
  let postWorkspace: string;

  /** An artifact directory, as actions/download-artifact leaves it. */
  const artifact = async (name: string, report: RunReport) => {
    const dir = join(runnerTemp, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'afterburner-report.json'), JSON.stringify(report));
    return dir;
  };
  const post = async (
    reports: string,
    event = workflowRunCompleted({ headSha: fixture.head, headRepo: fork }),
  ) =>
    runAction(runnerTemp, {
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_EVENT_PATH: await rig.writeJson('workflow-run.json', event),
      GITHUB_WORKSPACE: postWorkspace,
      GITHUB_API_URL: fake.url,
      'INPUT_GITHUB-TOKEN': fake.token,
      INPUT_REPORTS: reports,
    });
  const writesSince = (seen: number) => fake.requests.slice(seen).filter(isWrite);

  beforeAll(async () => {
    // The compute side: a fork's pull request under `pull_request` (read-only token), which posts nothing.
    rig = await openPullRequestRig(fork);
    ({ fixture, runnerTemp, github: fake } = rig);
    postWorkspace = await mkdtemp(join(tmpdir(), 'afterburner-post-'));
    const compute = await runAction(runnerTemp, {
      ...rig.env,
      // The command of the same-repository review test, so that both must post the very same comments.
      'INPUT_TEST-COMMAND': `N=node; env > ${join(runnerTemp, 'sandbox-env.txt')}; $N --test test/`,
    });
    if (compute.code !== 0) throw new Error(compute.stdout + compute.stderr);
    const json = output(compute.outputs, 'json') as string;
    computed = JSON.parse(await readFile(json, 'utf8')) as RunReport;
    await cp(json, join(runnerTemp, 'computed.json'));
  });

  afterAll(async () => {
    await rig?.close();
    await rm(postWorkspace, { recursive: true, force: true });
  });

  it('the compute run posts nothing and keeps the pull request number and head in its report', () => {
    expect(fake.requests.filter(isWrite)).toEqual([]);
    expect(computed.pullRequest).toEqual({ number: 12, headRepo: fork });
    expect(computed.headSha).toBe(fixture.head);
    expect(computed.suggestions.map((s) => s.name).sort()).toEqual(['indexById', 'missingIds', 'sharedTags']);
  });

  it('refuses a report for another commit than the one the workflow run checked out', async () => {
    const seen = fake.requests.length;
    const run = await post(await artifact('other-commit', { ...computed, headSha: fixture.base }));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::.*is for commit [0-9a-f]{7}, but workflow run \d+ checked out/);
    expect(fake.requests.slice(seen)).toEqual([]);
  });

  it('a failed compute run is ignored without a request', async () => {
    const seen = fake.requests.length;
    const failed = workflowRunCompleted({ headSha: fixture.head, headRepo: fork, conclusion: 'failure' });
    const run = await post(join(runnerTemp, 'computed.json'), failed);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/::notice::afterburner: nothing to do: .*conclusion failure/);
    expect(fake.requests.slice(seen)).toEqual([]);
  });

  it('posts only the suggestions that match the head commit; forged text cannot mention or link', async () => {
    const [first, second, third] = computed.suggestions.map((s) => s.name).sort();
    const forged: RunReport = {
      ...computed,
      suggestions: computed.suggestions.map((s) =>
        s.name === first
          ? { ...s, original: `${s.original}\n// not what the head holds` }
          : s.name === second
            ? { ...s, path: 'src/not-in-the-pull-request.js' }
            : s,
      ),
      skipped: computed.skipped.map((s) => ({ ...s, reason: 'ping @octocat at https://evil.example' })),
    };
    const run = await post(await artifact('forged', forged));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fake.invalid).toEqual([]);
    expect(output(run.outputs, 'posted')).toBe('true');
    expect(output(run.outputs, 'suggestions')).toBe('1');
    expect(fake.reviews).toHaveLength(1);
    expect(fake.reviewComments.map((c) => nameOf(c.body))).toEqual([third]);
    expect(run.stdout).toContain(
      `::warning::afterburner: not posted: ${first} in src/posts.js: the code it replaces`,
    );
    expect(run.stdout).toContain(
      `::warning::afterburner: not posted: ${second} in src/not-in-the-pull-request.js`,
    );
    const summary = fake.issueComments[0]?.body ?? '';
    expect(summary).toContain('ping @\u200bocto');
    expect(summary).not.toMatch(/@octocat|https:\/\/evil/);
  });

  it('posts the genuine report as the same review a same-repository run posts, every request valid', async () => {
    const seen = fake.requests.length;
    const run = await post(await artifact('genuine', computed));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fake.invalid).toEqual([]);
    expect(output(run.outputs, 'suggestions')).toBe('3');
    expect(fake.reviews).toHaveLength(2);
    expect(fake.reviews[1]?.commit_id).toBe(fixture.head);
    const inline = fake.reviewComments.filter((c) => c.subject_type === 'line');
    expect(inline.map((c) => nameOf(c.body)).sort()).toEqual(['indexById', 'missingIds', 'sharedTags']);
    // Each comment says the figures come from the fork's own run, which GitHub names (not the artifact) …
    const runId = (
      workflowRunCompleted({ headSha: fixture.head, headRepo: fork }).workflow_run as { id: number }
    ).id;
    const provenance = new RegExp(
      `^> Measured by \\[workflow run ${runId}\\]\\(https://github\\.com/[^)]+/actions/runs/${runId}\\) on \`someone/tagged-posts\`, a fork, which controls that run\\. .*\\n\\n`,
      'm',
    );
    const withoutProvenance = (body: string) => {
      expect(body).toMatch(provenance);
      return body.replace(provenance, '');
    };
    // … and otherwise holds the same words and tables as the review of a same-repository pull request.
    for (const comment of inline) {
      expectGolden(
        `action/review-comment-${nameOf(comment.body)}.md`,
        normalize(withoutProvenance(comment.body)),
      );
    }
    expect(fake.issueComments).toHaveLength(1);
    expectGolden(
      'action/summary-comment.md',
      normalize(withoutProvenance(fake.issueComments[0]?.body ?? '')),
    );
    const created = writesSince(seen).map((r) => r.operationId);
    expect(created).toEqual(['pulls/create-review', 'issues/update-comment']);
    expect(await readdir(postWorkspace)).toEqual([]);
  });

  it('a second post of the same report posts nothing new', async () => {
    const seen = fake.requests.length;
    const run = await post(join(runnerTemp, 'computed.json'));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(writesSince(seen).filter((r) => r.operationId !== 'issues/update-comment')).toEqual([]);
    expect(fake.reviews).toHaveLength(2);
  });

  it('when the pull request has moved on, says so and posts nothing', async () => {
    const seen = fake.requests.length;
    const stale = await artifact('stale', { ...computed, headSha: fixture.base });
    const run = await post(stale, workflowRunCompleted({ headSha: fixture.base, headRepo: fork }));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(output(run.outputs, 'posted')).toBe('false');
    expect(output(run.outputs, 'reason')).toMatch(/^pull request #12 has moved on to [0-9a-f]{7}/);
    expect(writesSince(seen)).toEqual([]);
  });
});

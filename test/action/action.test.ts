import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import type { RunReport } from '../../src/report/types.js';
import {
  type ActionRun,
  applyComment,
  exec,
  normalize,
  openPullRequestRig,
  output,
  owner,
  type PullRequestEvent,
  type PullRequestRig,
  pullRequestComment,
  pullRequestOpened,
  repoName,
  runAction,
} from '../helpers/action-run.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { type FakeGitHub, isWrite, startFakeGitHub } from '../helpers/fake-github.js';
import { expectGolden } from '../helpers/golden.js';

describe('the Action (dist/index.js) reviewing a pull request against a fake GitHub', () => {
  let rig: PullRequestRig;
  let fixture: FixtureRepo;
  let runnerTemp: string;
  let fake: FakeGitHub;
  let first: ActionRun;
  let env: Record<string, string>;

  const eventFile = (event: PullRequestEvent) => rig.writeJson('event.json', event);

  beforeAll(async () => {
    rig = await openPullRequestRig();
    ({ fixture, runnerTemp, github: fake } = rig);
    env = {
      ...rig.env,
      // Dumps the environment the sandboxed tests see, to prove the token is not in it. ($N keeps the harness
      // from recognising `node --test` and replacing the command with its own per-file run.)
      'INPUT_TEST-COMMAND': `N=node; env > ${join(runnerTemp, 'sandbox-env.txt')}; $N --test test/`,
    };
    first = await runAction(runnerTemp, env);
  });

  afterAll(() => rig?.close());

  it('posts one review of inline suggestions, every request valid against the OpenAPI description', async () => {
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(fake.invalid).toEqual([]);
    expect(output(first.outputs, 'suggestions')).toBe('3');
    expect(output(first.outputs, 'posted')).toBe('true');
    expect(fake.reviews).toHaveLength(1);
    expect(fake.reviews[0]?.commit_id).toBe(fixture.head);
    const inline = fake.reviewComments.filter((c) => c.subject_type === 'line');
    expect(inline).toHaveLength(3);
    expect(fake.issueComments).toHaveLength(1);
    for (const comment of inline) {
      const name = /^\*\*`([^`]+)`/.exec(comment.body)?.[1];
      expectGolden(`action/review-comment-${name}.md`, normalize(comment.body));
    }
    expectGolden('action/summary-comment.md', normalize(fake.issueComments[0]?.body ?? ''));
  });

  it('each posted suggestion, applied to the head file, leaves the fixture tests passing', async () => {
    for (const comment of fake.reviewComments.filter((c) => c.subject_type === 'line')) {
      const checkout = await mkdtemp(join(tmpdir(), 'afterburner-apply-'));
      try {
        await exec('git', ['clone', '--quiet', fixture.dir, checkout]);
        await exec('git', ['-C', checkout, 'checkout', '--quiet', fixture.head]);
        const before = await readFile(join(checkout, comment.path), 'utf8');
        await applyComment(checkout, comment);
        expect(await readFile(join(checkout, comment.path), 'utf8')).not.toBe(before);
        await exec('node', ['--test', 'test/'], { cwd: checkout });
      } finally {
        await rm(checkout, { recursive: true, force: true });
      }
    }
  });

  it('keeps the workflow token out of the sandbox', async () => {
    const sandboxEnv = await readFile(join(runnerTemp, 'sandbox-env.txt'), 'utf8');
    expect(sandboxEnv.length).toBeGreaterThan(0);
    expect(sandboxEnv).not.toContain(fake.token);
    expect(sandboxEnv).not.toMatch(/^(INPUT_GITHUB-TOKEN|GITHUB_TOKEN)=/m);
  });

  it('a second run with the same inputs posts nothing new', async () => {
    const seen = fake.requests.length;
    const second = await runAction(runnerTemp, env);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(fake.invalid).toEqual([]);
    const writes = fake.requests.slice(seen).filter(isWrite);
    // Only the sticky summary may be edited in place (fresh measurements); nothing is created.
    expect(writes.map((w) => w.operationId).filter((id) => id !== 'issues/update-comment')).toEqual([]);
    expect(fake.reviews).toHaveLength(1);
    expect(fake.issueComments).toHaveLength(1);
  });

  const commentRun = async (association: string) => {
    const path = join(runnerTemp, 'comment.json');
    await writeFile(path, JSON.stringify(pullRequestComment('/afterburner', association)));
    return runAction(runnerTemp, { ...env, GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: path });
  };

  it('/afterburner from a maintainer re-runs the review: the commits come from the API, nothing is duplicated', async () => {
    const seen = fake.requests.length;
    const run = await commentRun('MEMBER');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fake.invalid).toEqual([]);
    const requests = fake.requests.slice(seen);
    expect(requests[0]?.operationId).toBe('pulls/get');
    expect(output(run.outputs, 'suggestions')).toBe('3');
    const writes = requests.filter(isWrite).map((r) => r.operationId);
    expect(writes.filter((id) => id !== 'issues/update-comment')).toEqual([]);
    expect(fake.reviews).toHaveLength(1);
  });

  it('/afterburner from someone who is not a maintainer does nothing and says why', async () => {
    const seen = fake.requests.length;
    const run = await commentRun('CONTRIBUTOR');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /::notice::afterburner: nothing to do: \/afterburner is for maintainers .* is CONTRIBUTOR/,
    );
    expect(fake.requests.slice(seen)).toEqual([]);
  });

  it('after a push that changes a function, posts its new suggestion and minimizes the outdated one', async () => {
    const path = join(fixture.dir, 'src/posts.js');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('const result = [];', 'const result = []; // shared, in order'));
    const identity = ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid'];
    await exec('git', [...identity, '-C', fixture.dir, 'commit', '--quiet', '-am', 'push']);
    const head = (await exec('git', ['-C', fixture.dir, 'rev-parse', 'HEAD'])).stdout.trim();
    await fake.pushHead(head);
    const before = fake.reviewComments.length;
    const third = await runAction(runnerTemp, {
      ...env,
      GITHUB_EVENT_PATH: await eventFile(pullRequestOpened(fixture.base, head)),
    });
    expect(third.code, third.stdout + third.stderr).toBe(0);
    expect(fake.invalid).toEqual([]);
    expect(fake.reviews).toHaveLength(2);
    const added = fake.reviewComments.slice(before);
    expect(added.map((c) => /^\*\*`([^`]+)`/.exec(c.body)?.[1])).toEqual(['sharedTags']);
    const retired = fake.reviewComments.filter((c) => c.minimized);
    expect(retired).toHaveLength(1);
    expect(retired[0]?.body).toContain('**Outdated:**');
    expect(fake.issueComments).toHaveLength(1);
  });

  it('with a read-only token (403) ends green with the summary, annotations and the JSON report', async () => {
    fake.setReadOnly(true);
    const run = await runAction(runnerTemp, {
      ...env,
      // One function is enough to see what a refused post leaves; it keeps the test to one verification.
      'INPUT_MAX-FUNCTIONS': '1',
      GITHUB_EVENT_PATH: await eventFile(pullRequestOpened(fixture.base, fixture.head)),
    }).finally(() => fake.setReadOnly(false));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fake.invalid).toEqual([]);
    expect(output(run.outputs, 'posted')).toBe('false');
    expect(output(run.outputs, 'reason')).toMatch(/HTTP 403/);
    expect(run.summary).toContain('**Not posted to GitHub:** GitHub refused to post (HTTP 403');
    expect(run.stdout).toMatch(
      /^::notice title=afterburner%3A verified speedup,file=src\/posts\.js,line=\d+,endLine=\d+::\w+: [\d.]+× faster/m,
    );
    const report = JSON.parse(await readFile(output(run.outputs, 'json') as string, 'utf8')) as RunReport;
    expect(report.suggestions.length).toBeGreaterThan(0);
  });

  it('a pull request from a fork is not posted to, and says why', async () => {
    const seen = fake.requests.length;
    const run = await runAction(runnerTemp, {
      ...env,
      'INPUT_MAX-FUNCTIONS': '1',
      GITHUB_EVENT_PATH: await eventFile(
        pullRequestOpened(fixture.base, fixture.head, 'someone/tagged-posts'),
      ),
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fake.requests.slice(seen)).toEqual([]);
    expect(output(run.outputs, 'reason')).toMatch(/fork \(someone\/tagged-posts\)/);
    // The job summary is all such a run leaves besides the artifact: the report and why nothing was posted.
    expectGolden('action/job-summary-fork.md', normalize(run.summary));
  });

  it('with sandbox auto and no Docker, refuses to run the code unisolated and posts nothing', async () => {
    const seen = fake.requests.length;
    const run = await runAction(runnerTemp, {
      ...env,
      INPUT_SANDBOX: 'auto',
      DOCKER_HOST: 'tcp://127.0.0.1:1',
    });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(
      /::error::Docker sandbox unavailable: .*install Docker on the runner, or set input 'sandbox' to process/,
    );
    expect(fake.requests.slice(seen).filter(isWrite)).toEqual([]);
  });

  it("refuses to run a fork's code in the process sandbox under pull_request_target", async () => {
    const seen = fake.requests.length;
    const run = await runAction(runnerTemp, {
      ...env,
      GITHUB_EVENT_NAME: 'pull_request_target',
      GITHUB_EVENT_PATH: await eventFile(
        pullRequestOpened(fixture.base, fixture.head, 'someone/tagged-posts'),
      ),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::input 'sandbox': a fork's pull request under pull_request_target/);
    expect(fake.requests.slice(seen)).toEqual([]);
  });

  /** The review with `text` as the checkout's (the head's) .afterburner.yml; the report it wrote. */
  const reviewWithHeadConfig = async (text: string): Promise<RunReport> => {
    const config = join(fixture.dir, '.afterburner.yml');
    await writeFile(config, text);
    const run = await runAction(runnerTemp, {
      ...env,
      GITHUB_EVENT_PATH: await eventFile(pullRequestOpened(fixture.base, fixture.head)),
    }).finally(() => rm(config));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    return JSON.parse(await readFile(output(run.outputs, 'json') as string, 'utf8')) as RunReport;
  };

  it(".afterburner.yml in the checkout narrows the review, like the CLI's", async () => {
    const report = await reviewWithHeadConfig('detect:\n  exclude: ["src/**"]\n');
    expect(report.suggestions).toEqual([]);
    expect(report.skipped).toContainEqual(
      expect.objectContaining({ path: 'src/posts.js', reason: "excluded by pattern 'src/**'" }),
    );
  });

  it(".afterburner.yml in the pull request's head cannot change how code runs: the base's settings apply", async () => {
    const report = await reviewWithHeadConfig(
      'sandbox:\n  mode: process\n  setup-command: "touch pwned"\n  test-command: "true"\ndetect:\n  exclude: ["src/**"]\n',
    );
    const refused = (key: string) =>
      `.afterburner.yml in the head sets ${key}; a pull request cannot change it, so the base commit's default is used`;
    expect(report.notices).toEqual(
      expect.arrayContaining([
        refused('sandbox.mode'),
        refused('sandbox.setup-command'),
        refused('sandbox.test-command'),
      ]),
    );
    // Its narrowing applies.
    expect(report.skipped).toContainEqual(
      expect.objectContaining({ path: 'src/posts.js', reason: "excluded by pattern 'src/**'" }),
    );
  });

  it('fails with the input name and the allowed values for a bad input', async () => {
    const bad = await runAction(runnerTemp, { ...env, INPUT_SANDBOX: 'vm' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/::error::input 'sandbox': .*"auto"\|"docker"\|"process"/);
  });
});

describe('the Action (dist/index.js) sweeping a repository', () => {
  let fixture: FixtureRepo;
  let runnerTemp: string;
  let fake: FakeGitHub;
  let env: Record<string, string>;

  beforeAll(async () => {
    fixture = await materializeFixture('tagged-posts');
    runnerTemp = await mkdtemp(join(tmpdir(), 'afterburner-sweep-'));
    fake = await startFakeGitHub({ owner, repo: repoName, gitDir: fixture.dir });
    const eventPath = join(runnerTemp, 'event.json');
    await writeFile(
      eventPath,
      JSON.stringify({ schedule: '0 3 * * 1', repository: { full_name: `${owner}/${repoName}` } }),
    );
    env = {
      GITHUB_EVENT_NAME: 'schedule',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_SHA: fixture.head,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_WORKSPACE: fixture.dir,
      GITHUB_API_URL: fake.url,
      'INPUT_GITHUB-TOKEN': fake.token,
      INPUT_ROUNDS: '10',
    };
  });

  afterAll(async () => {
    await fake?.close();
    await fixture?.dispose();
    await rm(runnerTemp, { recursive: true, force: true });
  });

  it('opens one pull request from afterburner/sweep whose commit keeps the tests passing', async () => {
    const run = await runAction(runnerTemp, env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fake.invalid).toEqual([]);
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0]).toMatchObject({ head: 'afterburner/sweep', base: 'main', state: 'open' });
    expectGolden('action/sweep-body.md', normalize(fake.pulls[0]?.body ?? ''));
    const commit = fake.commits.get(fake.refs.get('heads/afterburner/sweep') as string);
    expect(commit?.parents).toEqual([fixture.head]);
    const tree = fake.trees.get(commit?.tree as string);
    const checkout = await mkdtemp(join(tmpdir(), 'afterburner-apply-'));
    try {
      await exec('git', ['clone', '--quiet', fixture.dir, checkout]);
      for (const [path, content] of Object.entries(tree?.files ?? {}))
        await writeFile(join(checkout, path), content);
      expect(Object.keys(tree?.files ?? {})).toEqual(['src/posts.js']);
      await exec('node', ['--test', 'test/'], { cwd: checkout });
    } finally {
      await rm(checkout, { recursive: true, force: true });
    }
  });

  it('shards 1/2 and 2/2 cover every target once, and merging them updates the same pull request', async () => {
    const full = JSON.parse(await readFile(join(runnerTemp, 'afterburner-report.json'), 'utf8')) as RunReport;
    const reports = join(runnerTemp, 'shards');
    await mkdir(reports, { recursive: true });
    const names: string[] = [];
    for (const shard of ['1/2', '2/2']) {
      const run = await runAction(runnerTemp, { ...env, INPUT_SHARD: shard });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const path = output(run.outputs, 'json') as string;
      const report = JSON.parse(await readFile(path, 'utf8')) as RunReport;
      names.push(
        ...report.suggestions.map((s) => s.name),
        ...report.skipped.filter((s) => s.stage !== 'detect').map((s) => s.name ?? ''),
      );
      await writeFile(join(reports, `${shard.replace('/', '-of-')}.json`), JSON.stringify(report));
    }
    const everything = [
      ...full.suggestions.map((s) => s.name),
      ...full.skipped.filter((s) => s.stage !== 'detect').map((s) => s.name ?? ''),
    ];
    expect(names.sort()).toEqual(everything.sort());
    expect(new Set(names).size).toBe(names.length);
    expect(fake.pulls).toHaveLength(1);

    const merge = await runAction(runnerTemp, { ...env, INPUT_MODE: 'merge', INPUT_REPORTS: reports });
    expect(merge.code, merge.stdout + merge.stderr).toBe(0);
    expect(fake.invalid).toEqual([]);
    expect(fake.pulls).toHaveLength(1);
    expect(fake.requests.filter((r) => r.operationId === 'pulls/update')).toHaveLength(1);
    expect(fake.requests.filter((r) => r.operationId === 'git/update-ref')).toHaveLength(1);
  });
});

describe('the Action (dist/index.js) with the Docker sandbox', async () => {
  const available = await dockerAvailable();

  it.skipIf(!available)('posts a review whose candidate was verified in Docker', async () => {
    const rig = await openPullRequestRig();
    try {
      const run = await runAction(rig.runnerTemp, {
        ...rig.env,
        INPUT_SANDBOX: 'docker',
        INPUT_IMAGE: dockerTestImage,
        // One function shows the Docker path end to end; the process runs above verify all three.
        'INPUT_MAX-FUNCTIONS': '1',
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(rig.github.invalid).toEqual([]);
      expect(rig.github.reviews).toHaveLength(1);
      expect(rig.github.reviewComments.filter((c) => c.subject_type === 'line')).toHaveLength(1);
      expect(rig.github.issueComments[0]?.body).toMatch(/sandbox: Docker/i);
    } finally {
      await rig.close();
    }
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readEvent } from '../../src/action/event.js';
import { inputNames, parseInputs } from '../../src/action/inputs.js';
import { defaults } from '../../src/config/defaults.js';
import { imageFor } from '../../src/config/run-config.js';
import { repoRoot } from '../helpers/cli.js';

describe('action inputs', () => {
  it('action.yml declares exactly the inputs that are validated', async () => {
    const action = parse(await readFile(join(repoRoot, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    expect(Object.keys(action.inputs).sort()).toEqual([...inputNames].sort());
  });

  it('reads defaults, lists, shards and the setup command', () => {
    const inputs = parseInputs({
      include: 'src/**\nlib/**, extra/*.js',
      languages: 'javascript, python',
      shard: '2/3',
      'setup-command': 'npm ci',
      images: 'javascript=node:20\ntypescript=node:22',
      'comment-when-empty': 'true',
    });
    expect(inputs.config).toMatchObject({
      optimize: { provider: 'rules', iterations: defaults.iterations },
      verify: { minSpeedup: 0.1 },
      detect: {
        include: ['src/**', 'lib/**', 'extra/*.js'],
        languages: ['javascript', 'python'],
        maxFunctions: 20,
      },
      sandbox: { setupCommand: 'npm ci', images: { javascript: 'node:20', typescript: 'node:22' } },
    });
    expect(inputs).toMatchObject({
      shard: { index: 2, count: 3 },
      commentWhenEmpty: true,
      mode: 'auto',
      commentStyle: 'review',
    });
    expect(imageFor(inputs.config.sandbox, 'javascript')).toBe('node:20');
    // A TypeScript image is used for TypeScript, not dropped.
    expect(imageFor(inputs.config.sandbox, 'typescript')).toBe('node:22');
    expect(imageFor(inputs.config.sandbox, 'python')).toBe(defaults.pythonImage);
    expect(parseInputs({ model: 'gpt-x' }).config.optimize.provider).toBe('openai');
  });

  it('reads a token budget, a cost budget and the price that turns tokens into dollars', () => {
    const { optimize } = parseInputs({ 'max-tokens': '50000', 'max-cost': '0.25', price: '0.4/1.6' }).config;
    expect(optimize.budget).toEqual({ maxTokens: 50000, maxCostUsd: 0.25 });
    expect(optimize.price).toEqual({ inputPerMillion: 0.4, outputPerMillion: 1.6 });
    expect(parseInputs({}).config.optimize.budget).toEqual({ maxTokens: undefined, maxCostUsd: undefined });
  });

  it.each([
    [{ sandbox: 'vm' }, /^input 'sandbox': .*"auto"\|"docker"\|"process"/],
    [{ mode: 'nightly' }, /^input 'mode': .*"review"/],
    [{ iterations: '0' }, /^input 'iterations': /],
    [{ 'comment-when-empty': 'yes' }, /^input 'comment-when-empty': expected true or false/],
    [{ shard: '3/2' }, /^input shard: '3\/2' is not i\/n/],
    [{ languages: 'cobol' }, /^input 'languages': /],
    [{ 'base-url': 'not a url' }, /^input 'base-url': /],
    [{ price: 'cheap' }, /^input 'price': expected INPUT\/OUTPUT/],
    [{ 'max-tokens': '-5' }, /^input 'max-tokens': /],
    [{ 'max-cost': '0.5' }, /^input 'max-cost': needs input 'price'/],
  ])('rejects %j with the input name', (raw, message) => {
    expect(() => parseInputs(raw)).toThrow(message);
  });
});

describe('events', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'afterburner-event-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const eventOf = async (name: string, payload: unknown, extra: Record<string, string> = {}) => {
    const path = join(dir, `${name}.json`);
    await writeFile(path, JSON.stringify(payload));
    return readEvent({ GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: path, ...extra });
  };
  const comment = (association: string, body = '/afterburner please') => ({
    action: 'created',
    issue: { number: 5, pull_request: { url: 'x' } },
    comment: { body, author_association: association, user: { login: 'mona' } },
    repository: { full_name: 'o/r' },
  });

  it('/afterburner from a maintainer reviews the pull request; from others it is ignored with the reason', async () => {
    expect(await eventOf('issue_comment', comment('MEMBER'))).toMatchObject({
      kind: 'review',
      pullNumber: 5,
      needsPullLookup: true,
    });
    expect(await eventOf('issue_comment', comment('CONTRIBUTOR'))).toEqual({
      kind: 'ignore',
      reason: '/afterburner is for maintainers (owner, member, collaborator); mona is CONTRIBUTOR',
    });
    expect((await eventOf('issue_comment', comment('OWNER', 'looks good'))).kind).toBe('ignore');
  });

  it('a completed, successful workflow_run posts; its pull requests and head come from GitHub, not the artifact', async () => {
    const webhooks = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
      name: string;
      examples: { action?: string; workflow_run?: Record<string, unknown> }[];
    }[];
    const examples = webhooks.find((w) => w.name === 'workflow_run')?.examples ?? [];
    const completed = structuredClone(examples.find((e) => e.action === 'completed'));
    const run = completed?.workflow_run as Record<string, unknown>;
    run.conclusion = 'success';
    run.pull_requests = [{ number: 7 }];
    expect(await eventOf('workflow_run', completed)).toEqual({
      kind: 'post',
      runId: run.id,
      runUrl: run.html_url,
      headSha: run.head_sha,
      headRepo: (run.head_repository as { full_name: string }).full_name,
      pullNumbers: [7],
      triggeredBy: run.event,
    });
    run.conclusion = 'failure';
    expect(await eventOf('workflow_run', completed)).toEqual({
      kind: 'ignore',
      reason: `the workflow run ${run.id} is completed with conclusion failure, not a success`,
    });
    const requested = examples.find((e) => e.action === 'requested');
    expect((await eventOf('workflow_run', requested)).kind).toBe('ignore');
  });

  it('schedule and workflow_dispatch sweep the pushed commit; unknown events fail with the supported list', async () => {
    expect(
      await eventOf('workflow_dispatch', {}, { GITHUB_SHA: 'abc', GITHUB_REF: 'refs/heads/main' }),
    ).toEqual({ kind: 'sweep', sha: 'abc', branch: 'main' });
    await expect(eventOf('release', {})).rejects.toThrow(
      /not supported: use pull_request, pull_request_target/,
    );
  });
});

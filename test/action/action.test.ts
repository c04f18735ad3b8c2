import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { repoRoot } from '../helpers/cli.js';

interface PullRequestEvent {
  action: string;
  pull_request: { base: { sha: string }; head: { sha: string } };
}

// GitHub's example payloads, read as data (the package's type definitions need packages we do not install).
const webhooks = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: { action?: string }[];
}[];

/** GitHub's own `pull_request.opened` example, pointed at the fixture's base and head commits. */
function pullRequestOpened(base: string, head: string): PullRequestEvent {
  const entry = webhooks.find((w) => w.name === 'pull_request');
  const example = entry?.examples.find((e) => e.action === 'opened');
  const event = structuredClone(example) as unknown as PullRequestEvent;
  event.pull_request.base.sha = base;
  event.pull_request.head.sha = head;
  return event;
}

function runAction(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.AFTERBURNER_API_KEY;
  delete childEnv.OPENAI_API_KEY;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'dist', 'index.js')],
      { env: childEnv },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('the Action (dist/index.js) on a pull_request event', () => {
  let fixture: FixtureRepo;
  let runnerTemp: string;
  let result: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    fixture = await materializeFixture('tagged-posts');
    runnerTemp = await mkdtemp(join(tmpdir(), 'afterburner-runner-'));
    const eventPath = join(runnerTemp, 'event.json');
    await writeFile(eventPath, JSON.stringify(pullRequestOpened(fixture.base, fixture.head)));
    await writeFile(join(runnerTemp, 'output'), '');
    await writeFile(join(runnerTemp, 'summary'), '');
    result = await runAction({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_WORKSPACE: fixture.dir,
      GITHUB_OUTPUT: join(runnerTemp, 'output'),
      GITHUB_STEP_SUMMARY: join(runnerTemp, 'summary'),
      RUNNER_TEMP: runnerTemp,
      INPUT_SANDBOX: 'process',
      INPUT_ITERATIONS: '1',
      INPUT_CANDIDATES: '1',
    });
  });

  afterAll(async () => {
    await fixture.dispose();
    await rm(runnerTemp, { recursive: true, force: true });
  });

  it('succeeds and sets the outputs', async () => {
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const outputs = await readFile(join(runnerTemp, 'output'), 'utf8');
    expect(outputs).toMatch(/^suggestions<<.*\n3\n/m);
    expect(outputs).toContain(join(runnerTemp, 'afterburner-report.md'));
  });

  it('writes the report to the job summary', async () => {
    const summary = await readFile(join(runnerTemp, 'summary'), 'utf8');
    expect(summary).toBe(await readFile(join(runnerTemp, 'afterburner-report.md'), 'utf8'));
    expect(summary).toContain('**3 verified speedups** in 4 changed functions');
  });

  it('fails with the input name for a bad input', async () => {
    const bad = await runAction({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(runnerTemp, 'event.json'),
      GITHUB_WORKSPACE: fixture.dir,
      INPUT_SANDBOX: 'vm',
    });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/::error::.*--sandbox: /);
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionRun,
  openPullRequestRig,
  output,
  type PullRequestRig,
  runAction,
} from '../helpers/action-run.js';

// Looks like a deploy key of the caller's workflow: the name says TOKEN, the value is long enough to be one.
const deploySecret = 'dpl_7f3a9c2e51b84d06a1e2';

// A pull request's test that hunts the runner's environment for credentials through /proc (the process sandbox
// scrubs its own environment, but this process's is readable by the same user) and fails with what it found.
const leakingTest = `
const { readdirSync, readFileSync } = require('node:fs');
const found = new Set();
for (const pid of readdirSync('/proc').filter((p) => /^\\d+$/.test(p))) {
  let environ = '';
  try { environ = readFileSync('/proc/' + pid + '/environ', 'utf8'); } catch { continue; }
  for (const entry of environ.split('\\0')) if (/^(DEPLOY_TOKEN|INPUT_GITHUB-TOKEN)=/.test(entry)) found.add(entry);
}
console.log('AssertionError: leaked ' + [...found].join(' '));
process.exit(1);
`;

describe('the Action with sandbox: process, when a pull request test reads secrets from /proc', () => {
  let rig: PullRequestRig;
  let run: ActionRun;

  beforeAll(async () => {
    rig = await openPullRequestRig();
    const script = join(rig.runnerTemp, 'leak.cjs');
    await writeFile(script, leakingTest);
    run = await runAction(rig.runnerTemp, {
      ...rig.env,
      DEPLOY_TOKEN: deploySecret,
      INPUT_SANDBOX: 'process',
      'INPUT_COMMENT-WHEN-EMPTY': 'true',
      // $N keeps the harness from taking the command for a known runner and replacing it.
      'INPUT_TEST-COMMAND': `N=node; env > ${join(rig.runnerTemp, 'sandbox-env.txt')}; $N ${script}`,
    });
  });

  afterAll(() => rig?.close());

  it('scrubs the sandbox environment of the token and secret-looking variables', async () => {
    const sandboxEnv = await readFile(join(rig.runnerTemp, 'sandbox-env.txt'), 'utf8');
    expect(sandboxEnv).not.toContain(deploySecret);
    expect(sandboxEnv).not.toContain(rig.github.token);
  });

  it('posts, writes and logs the failure with every secret replaced by ***', async () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(rig.github.invalid).toEqual([]);
    const summary = rig.github.issueComments[0]?.body ?? '';
    // The test did find both secrets: the posted failure shows where they were, redacted.
    expect(summary).toMatch(/DEPLOY\\?_TOKEN=\*\*\*/);
    expect(summary).toMatch(/INPUT\\?_GITHUB-TOKEN=\*\*\*/);
    const written = [
      JSON.stringify(rig.github.requests.map((r) => r.body)),
      run.summary,
      // `::add-mask::` hands a secret to the runner, which masks it in the log and never shows the command.
      run.stdout.replace(/^::add-mask::.*$/gm, ''),
      run.stderr,
      run.outputs,
      await readFile(output(run.outputs, 'report') as string, 'utf8'),
      await readFile(output(run.outputs, 'json') as string, 'utf8'),
    ];
    for (const text of written) {
      expect(text).not.toContain(deploySecret);
      expect(text).not.toContain(rig.github.token);
      // Inert rendering escapes `_`: the escaped form must not slip through either.
      expect(text).not.toContain(rig.github.token.replace('_', '\\_'));
    }
  });
});

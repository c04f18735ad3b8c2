import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '@actions/core';
import { plainProgress } from '../cli/progress-printer.js';
import { reviewCommand } from '../cli/review-command.js';
import { pullRequestRange } from './inputs.js';

/** The Action: review the pull request's changed functions and publish the report. */
export async function runAction(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const range = await pullRequestRange(env.GITHUB_EVENT_NAME, env.GITHUB_EVENT_PATH);
  const outDir = env.RUNNER_TEMP ?? process.cwd();
  const out = join(outDir, 'afterburner-report.md');
  const json = join(outDir, 'afterburner-report.json');
  const input = (name: string) => core.getInput(name) || undefined;
  const apiKey = input('api-key');
  if (apiKey) core.setSecret(apiKey);
  const report = await reviewCommand(
    {
      repo: env.GITHUB_WORKSPACE ?? '.',
      base: range.base,
      head: range.head,
      out,
      json,
      provider: input('provider'),
      model: input('model'),
      baseUrl: input('base-url'),
      iterations: input('iterations'),
      candidates: input('candidates'),
      minSpeedup: input('min-speedup'),
      sandbox: input('sandbox'),
      image: input('image'),
      testCommand: input('test-command'),
    },
    {
      env: { ...env, ...(apiKey ? { AFTERBURNER_API_KEY: apiKey } : {}) },
      cwd: process.cwd(),
      stdout: () => {},
      progress: plainProgress((line) => core.info(line.trimEnd())),
    },
  );
  await core.summary.addRaw(await readFile(out, 'utf8')).write();
  core.setOutput('suggestions', String(report.suggestions.length));
  core.setOutput('report', out);
  core.setOutput('json', json);
}

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/types.js';
import {
  type ActionRun,
  normalize,
  openPullRequestRig,
  output,
  type PullRequestRig,
  runAction,
} from '../helpers/action-run.js';
import type { FakeGitHub } from '../helpers/fake-github.js';
import { type ChatRequest, type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';
import { expectGolden } from '../helpers/golden.js';
import { js, slower } from '../optimize/shared-tags-candidates.js';

/**
 * The model rewrites sharedTags into a correct but slower version, which the harness must reject, so that the
 * rules' verified rewrite stays the one posted whatever the timings; anything else gets an answer without code.
 */
function model(request: ChatRequest): string {
  const prompt = request.messages.map((m) => m.content).join('\n');
  return prompt.includes('function sharedTags') ? js(slower) : 'I see nothing to improve here.';
}

/** Token counts follow the prompt, which holds measured figures; the chart plots measured speedups. */
function normalizeModelRun(body: string): string {
  return normalize(body)
    .replace(
      /tokens for this run \d+ in \/ \d+ out · cost \$[\d.]+/,
      'tokens for this run N in / N out · cost $N',
    )
    .replace(/--> [\d.]+/, '--> N')
    .replace(/line \[[^\]]*\]/, (line) => line.replace(/[\d.]+/g, 'N'));
}

describe('the Action with a model (GitHub Models, OpenAI wire format) and a price', () => {
  let rig: PullRequestRig;
  let github: FakeGitHub;
  let models: FakeOpenAI;
  let run: ActionRun;
  let report: RunReport;

  beforeAll(async () => {
    rig = await openPullRequestRig();
    github = rig.github;
    models = await startFakeOpenAI(model);
    run = await runAction(rig.runnerTemp, {
      ...rig.env,
      INPUT_PROVIDER: 'github-models',
      'INPUT_BASE-URL': models.baseUrl,
      INPUT_PRICE: '0.4/1.6',
    });
    report = JSON.parse(await readFile(output(run.outputs, 'json') as string, 'utf8')) as RunReport;
  });

  afterAll(async () => {
    await models?.close();
    await rig?.close();
  });

  it('asks the model with the workflow token, once per function and candidate', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // Four changed functions, one iteration of one candidate each.
    expect(models.requests).toHaveLength(4);
    expect(models.requests.every((r) => r.model === 'openai/gpt-4.1-mini')).toBe(true);
    for (const received of models.received)
      expect(received.headers.authorization).toBe(`Bearer ${github.token}`);
  });

  it('counts the tokens and prices them in the report and in every comment', () => {
    const { inputTokens, outputTokens, costUsd } = report.usage;
    expect(inputTokens).toBeGreaterThan(0);
    expect(outputTokens).toBeGreaterThan(0);
    expect(costUsd).toBeCloseTo((inputTokens * 0.4 + outputTokens * 1.6) / 1e6, 12);
    expect(github.invalid).toEqual([]);
    const inline = github.reviewComments.filter((c) => c.subject_type === 'line');
    expect(inline.length).toBeGreaterThan(0);
    for (const comment of inline) {
      expect(comment.body).toContain(
        `\`github-models\` (\`openai/gpt-4.1-mini\`) · tokens for this run ${inputTokens} in / ${outputTokens} out · cost $${costUsd?.toFixed(4)}`,
      );
    }
  });

  it("rejects the model's slower rewrite, keeps the rules' one and charts the best per iteration", () => {
    const sharedTags = report.suggestions.find((s) => s.name === 'sharedTags');
    expect(sharedTags?.iteration).toBe(0);
    expect(sharedTags?.replacement).not.toBe(slower);
    expect(sharedTags?.history?.map((h) => h.iteration)).toEqual([0, 1]);
    const comment = github.reviewComments.find((c) => c.body.startsWith('**`sharedTags`'));
    expect(comment?.body).toContain('xychart-beta');
    expectGolden('action/model-review-comment-sharedTags.md', normalizeModelRun(comment?.body ?? ''));
  });
});

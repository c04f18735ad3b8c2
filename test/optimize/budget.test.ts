import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import type { RunReport } from '../../src/report/index.js';
import { runReview } from '../../src/run.js';
import { type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';
import { bothSets, js } from './shared-tags-candidates.js';

/** The tagged-posts pull request under a model that gives every function the same answer, with a budget. */
function review(
  fixture: FixtureRepo,
  model: FakeOpenAI,
  settings: { rules: 'first' | 'off'; candidates: number; maxTokens: number },
): Promise<RunReport> {
  return runReview({
    repo: fixture.dir,
    base: fixture.base,
    head: fixture.head,
    provider: 'openai',
    model: 'fake-coder',
    baseUrl: model.baseUrl,
    rules: settings.rules,
    iterations: 3,
    candidates: settings.candidates,
    minSpeedup: 0.1,
    rounds: 20,
    sandbox: 'process',
    images: { image: 'unused', pythonImage: 'unused', images: {} },
    budget: { maxTokens: settings.maxTokens },
    // Beside the fixture, as the cache once was inside it: per fixture, never the user's own.
    stateDir: `${fixture.dir}.state`,
  });
}

describe('a token budget', () => {
  let fixture: FixtureRepo;
  let model: FakeOpenAI;
  let report: RunReport;

  beforeAll(async () => {
    fixture = await materializeFixture('tagged-posts');
    // A long answer (prose after the code) spends the whole budget in one request.
    model = await startFakeOpenAI(() => `${js(bothSets)}\n\n${'Why this is faster. '.repeat(2000)}`);
    // The first request fits; its answer spends more than this, so the run stops after it.
    report = await review(fixture, model, { rules: 'off', candidates: 1, maxTokens: 5000 });
  }, 300_000);

  afterAll(async () => {
    await model?.close();
    await fixture?.dispose();
  });

  it('stops asking the model once spent and still reports what it verified', () => {
    expect(model.requests).toHaveLength(1);
    expect(report.suggestions.map((s) => s.name)).toEqual(['sharedTags']);
    expect(report.usage.inputTokens + report.usage.outputTokens).toBeGreaterThan(5000);
  });

  it('skips the remaining functions with "budget exhausted"', () => {
    const skipped = report.skipped.filter((s) => s.stage === 'optimize');
    expect(skipped.map((s) => s.name)).toEqual(['indexById', 'missingIds', 'slugify']);
    for (const skip of skipped) expect(skip.reason).toMatch(/^budget exhausted: \d+ of 5000 tokens used$/);
  });
});

describe('a token budget smaller than the next request', () => {
  let fixture: FixtureRepo;
  let model: FakeOpenAI;
  let report: RunReport;

  beforeAll(async () => {
    fixture = await materializeFixture('tagged-posts');
    model = await startFakeOpenAI(() => js(bothSets));
    // Every prompt alone is longer than this.
    report = await review(fixture, model, { rules: 'first', candidates: 2, maxTokens: 50 });
  }, 300_000);

  afterAll(async () => {
    await model?.close();
    await fixture?.dispose();
  });

  it('sends nothing that would go past it, and still reports what the offline rules verified', () => {
    expect(model.requests).toEqual([]);
    expect(report.usage).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    expect(report.suggestions.map((s) => s.name).sort()).toEqual(['indexById', 'missingIds', 'sharedTags']);
    const skipped = report.skipped.filter((s) => s.stage === 'optimize');
    expect(skipped.map((s) => s.name)).toEqual(['slugify']);
    expect(skipped[0]?.reason).toMatch(
      /^budget would run out: the next request needs about \d+ tokens, 50 of 50 left$/,
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedbackText } from '../../src/optimize/candidate-evidence.js';
import { type OptimizeResult, optimizeTarget } from '../../src/optimize/index.js';
import { evidenceOf } from '../../src/optimize/loop.js';
import { OpenAIProvider } from '../../src/providers/openai-provider.js';
import { type ChatRequest, type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';
import { type FixtureHarness, openFixtureHarness } from './fixture-harness.js';
import { bothSets, featuredSet, js, reversed, slower } from './shared-tags-candidates.js';

const promptOf = (request: ChatRequest) => request.messages.map((m) => m.content).join('\n');

/**
 * Iteration 1 (the original in the prompt): a faster rewrite, garbage, a slower one, a broken one.
 * Iteration 2 (featuredSet in the prompt): the faster-still rewrite in Afterburner's <solution> format.
 * Later: the same again, which the loop sees as duplicates.
 */
function scripted(request: ChatRequest, nth: number): string {
  const prompt = promptOf(request);
  if (prompt.includes('seen.has(tag)')) return js(bothSets);
  if (prompt.includes('featuredSet.has(tag) && !result.includes(tag)')) {
    return `<thinking>A Set for seen tags too.</thinking><solution>\n${bothSets}\n</solution>`;
  }
  return [js(featuredSet), 'Sorry, I cannot help with that.', js(slower), js(reversed)][nth % 4] as string;
}

describe('the Afterburner loop on the real harness, OpenAI wire format', () => {
  let fixture: FixtureHarness;
  let model: FakeOpenAI;
  let result: OptimizeResult;

  beforeAll(async () => {
    fixture = await openFixtureHarness('tagged-posts', 'sharedTags');
    model = await startFakeOpenAI(scripted);
    result = await optimizeTarget({
      target: fixture.target,
      provider: new OpenAIProvider({ model: 'fake-coder', baseURL: model.baseUrl, sampling: 'separate' }),
      evaluator: fixture.harness,
      iterations: 3,
      candidates: 4,
    });
  }, 300_000);

  afterAll(async () => {
    await model?.close();
    await fixture?.dispose();
  });

  it('keeps the improvement of a later iteration over an earlier one', () => {
    expect(result.outcome).toBe('improved');
    expect(result.best?.iteration).toBe(2);
    expect(result.best?.source).toBe(bothSets);
    const first = result.attempts.find((a) => a.iteration === 1 && a.candidate === 1);
    expect(first?.status).toBe('verified');
    expect(result.best?.evaluation.benchmark.estimate.low).toBeGreaterThan(
      first?.speedup ?? Number.POSITIVE_INFINITY,
    );
  });

  it('rejects the slower candidate, the broken one and the garbage, each with its reason', () => {
    const iteration1 = result.attempts.filter((a) => a.iteration === 1);
    expect(iteration1.map((a) => a.status)).toEqual(['verified', 'format-error', 'rejected', 'rejected']);
    expect(iteration1[1]?.reason).toBe('format error: the answer holds no JavaScript code block');
    expect(iteration1[2]?.reason).toMatch(/slower on the tests' own inputs/);
    expect(iteration1[3]?.reason).toMatch(/^tests failed/);
  });

  it('keeps the evidence of every candidate: source, verdict, check, failing tests, interval', () => {
    const iteration1 = result.attempts.filter((a) => a.iteration === 1);
    expect(iteration1.map((a) => a.source)).toEqual(Array(4).fill('model fake-coder'));
    expect(iteration1.map((a) => a.verdict)).toEqual(['faster', 'not-run', 'not-faster', 'tests-failed']);
    expect(iteration1[0]?.kept).toBe(true);
    expect(iteration1[1]?.check).toBe('format');
    expect(iteration1[2]?.estimate?.high).toBeGreaterThan(0);
    expect(iteration1[3]?.failingTests?.[0]?.name).toMatch(/sharedTags keeps first-seen order/);
    expect(iteration1[3]?.failingTests?.[0]?.message).toMatch(/\S/);
    expect(result.best?.producedBy).toBe('model fake-coder');
  });

  it("accepts the <solution> format of Afterburner's own models", () => {
    const iteration2 = result.attempts.filter((a) => a.iteration === 2);
    expect(iteration2[0]?.status).toBe('verified');
  });

  it('feeds failure details and the current metrics into the next prompt', () => {
    const second = model.requests
      .map(promptOf)
      .find((p) => p.includes('featuredSet.has(tag) && !result.includes'));
    expect(second).toBeDefined();
    expect(second).toContain(
      'Iteration 1, candidate 2 (model fake-coder): rejected before running (format): format error: the answer ' +
        'holds no JavaScript code block',
    );
    expect(second).toMatch(/candidate 3 \(model fake-coder\): correct but not faster: \d+\.\d\d×, 95% CI/);
    // The failing test's name and its first assertion lines, from the harness.
    expect(second).toMatch(
      /candidate 4 \(model fake-coder\): tests failed: \d+ tests? that pass(es)? on the original\n\s+sharedTags keeps first-seen order[^:\n]*: \S/,
    );
    // In the very words the report shows (both render candidate-evidence.ts).
    for (const attempt of result.attempts.filter((a) => a.iteration === 1).slice(1)) {
      expect(second).toContain(feedbackText(evidenceOf(attempt)).replace(/\n/g, '\n  '));
    }
    expect(second).toMatch(/Passed: yes \| Time: .* per round vs .* for the original \(\d+\.\d\d×\)/);
  });

  it('stops after two iterations that bring nothing and counts the tokens', () => {
    // Iteration 3 only repeats the best (duplicates): idle once; the loop ends at N = 3.
    expect(Math.max(...result.attempts.map((a) => a.iteration))).toBe(3);
    expect(result.attempts.filter((a) => a.iteration === 3).every((a) => a.status === 'duplicate')).toBe(
      true,
    );
    expect(model.requests).toHaveLength(12);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });
});

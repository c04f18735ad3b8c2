import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { type ModelReview, reviewWithModel } from '../helpers/review-run.js';

const indexBy = `function indexBy(records, field) {
  const index = new Map();
  for (const record of records) if (!index.has(record[field])) index.set(record[field], record);
  return function lookup(value) {
    return index.get(value);
  };
}`;

describe('a model endpoint that hangs for one function', () => {
  let fixture: FixtureRepo;
  let run: ModelReview;

  beforeAll(async () => {
    fixture = await materializeFixture('collection-helpers');
    run = await reviewWithModel({
      fixture,
      mode: 'process',
      label: 'hung-model',
      answer: (request) => {
        const prompt = request.messages.map((m) => m.content).join('\n');
        if (prompt.includes('`uniqBy`')) return { hang: true };
        if (prompt.includes('`indexBy`')) return `\`\`\`javascript\n${indexBy}\n\`\`\``;
        return 'Nothing to improve.';
      },
      args: [
        ...['--rounds', '20', '--iterations', '1', '--candidates', '1', '--rules', 'off'],
        ...['--request-timeout', '1', '--model-time', '2'],
      ],
    });
  });

  afterAll(async () => {
    await run?.model.close();
    await fixture?.dispose();
  });

  it('stops that function with the model time limit as its reason', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    const skip = run.report.skipped.find((s) => s.name === 'uniqBy');
    expect(skip?.reason).toBe('model time limit reached: this function waited 2 s for the model');
  });

  it('still verifies and suggests the other function', () => {
    expect(run.report.suggestions.map((s) => s.name)).toContain('indexBy');
  });
});

import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { dockerAvailable } from '../helpers/docker.js';
import { type ModelReview, reviewWithModel } from '../helpers/review-run.js';

const run = promisify(execFile);

// The model answers with the inner function alone, as models often do; the suggestion must still replace the
// whole `const uniqueBy = curry(function uniqueBy(…) {…});` statement and keep the curry.
const fasterInner = `function uniqueBy(key, records) {
  const seen = new Set();
  const result = [];
  for (const record of records) {
    const value = record[key];
    if (!seen.has(value)) {
      seen.add(value);
      result.push(record);
    }
  }
  return result;
}`;
const fasterStatement = `const uniqueBy = curry(${fasterInner});`;

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

describe.each(modes)('afterburner review of a curried helper, %s sandbox', (mode) => {
  let fixture: FixtureRepo;
  let review: ModelReview;

  beforeAll(async () => {
    fixture = await materializeFixture('curried-helpers');
    review = await reviewWithModel({
      fixture,
      mode,
      label: 'wrapped',
      answer: () => `Keep a Set of the keys seen.\n\`\`\`javascript\n${fasterInner}\n\`\`\``,
      args: ['--rounds', '12', '--rules', 'off'],
    });
  });

  afterAll(async () => {
    await review?.model.close();
    await fixture?.dispose();
  });

  it('finds the function defined inside curry(…) and verifies the faster version of it', () => {
    expect(review.exitCode, review.stderr).toBe(0);
    expect(review.report.skipped).toEqual([]);
    const [suggestion] = review.report.suggestions;
    expect(review.report.suggestions).toHaveLength(1);
    expect(suggestion).toMatchObject({
      path: 'src/unique-by.js',
      name: 'uniqueBy',
      startLine: 5,
      endLine: 11,
    });
    expect(suggestion?.replacement).toBe(fasterStatement);
    expect(suggestion?.benchmark.verdict).toBe('faster');
    expect(suggestion?.differentialCalls).toBe(2);
  });

  it('sent the model the whole wrapped statement', () => {
    const prompt = review.model.requests[0]?.messages.at(-1)?.content ?? '';
    expect(prompt).toContain('const uniqueBy = curry(function uniqueBy(key, records) {');
  });

  it("applied to the head file, the suggestion keeps the repository's tests green", async () => {
    const path = join(fixture.dir, 'src/unique-by.js');
    const lines = (await readFile(path, 'utf8')).split('\n');
    const [suggestion] = review.report.suggestions;
    if (!suggestion) throw new Error('no suggestion');
    lines.splice(
      suggestion.startLine - 1,
      suggestion.endLine - suggestion.startLine + 1,
      suggestion.replacement,
    );
    await writeFile(path, lines.join('\n'));
    const tests = await run('node', ['--test', 'test/'], { cwd: fixture.dir });
    expect(tests.stdout).toMatch(/# pass 2\n# fail 0/);
  });
});

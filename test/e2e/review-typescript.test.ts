import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { dockerAvailable } from '../helpers/docker.js';
import { type ModelReview, reviewWithModel } from '../helpers/review-run.js';

const run = promisify(execFile);

// Uses the enum and the paths alias of its module, so the verify runner must load both through our loader.
const fasterUniqueWords = `export function uniqueWords(text: string, mode: Case = Case.Lower): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const word of text.split(/\\s+/)) {
    const normal = normalize(word, mode);
    if (normal !== '' && !seen.has(normal)) {
      seen.add(normal);
      result.push(normal);
    }
  }
  return result;
}`;

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

// TypeScript libraries without tsx: one tested with vitest (ESM, in a package that is not "type": "module"), one
// with jest + ts-jest (compiled to CommonJS and type-checked). Their runners come from the registry, pinned by
// each fixture's lockfile.
describe.each(['ts-vitest-words', 'ts-jest-words'])('afterburner review of %s', (name) => {
  let fixture: FixtureRepo;

  beforeAll(async () => {
    fixture = await materializeFixture(name);
    await run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: fixture.dir });
  });

  afterAll(async () => {
    await fixture?.dispose();
  });

  // Docker for the vitest fixture only: its ES-module loader hooks are what differs between the image's Node and
  // the host's; ts-jest's CommonJS compile runs the same in both (and the harness's own TypeScript test runs both).
  describe.each(name === 'ts-vitest-words' ? modes : ['process' as const])('%s sandbox', (mode) => {
    let review: ModelReview;

    beforeAll(async () => {
      review = await reviewWithModel({
        fixture,
        mode,
        label: name,
        answer: () => `Use a Set.\n\`\`\`typescript\n${fasterUniqueWords}\n\`\`\``,
        args: ['--rounds', '20', '--iterations', '1', '--candidates', '1', '--rules', 'off', '--no-cache'],
      });
    }, 900_000);

    afterAll(async () => {
      await review?.model.close();
    });

    it('verifies the faster rewrite: tests pass, recorded calls replay equal, and it is faster', () => {
      expect(review.exitCode, review.stderr).toBe(0);
      expect(review.report.skipped, JSON.stringify(review.report.skipped)).toEqual([]);
      expect(review.report.suggestions.map((s) => s.name)).toEqual(['uniqueWords']);
      const [suggestion] = review.report.suggestions;
      expect(suggestion?.replacement).toBe(fasterUniqueWords);
      expect(suggestion?.tests.passed).toBe(true);
      expect(suggestion?.benchmark.verdict).toBe('faster');
    });
  });
});

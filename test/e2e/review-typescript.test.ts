import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import type { RunReport } from '../../src/report/index.js';
import { runCli } from '../helpers/cli.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';

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

  describe.each(modes)('%s sandbox', (mode) => {
    let model: FakeOpenAI;
    let report: RunReport;
    let exitCode: number;
    let stderr: string;

    beforeAll(async () => {
      model = await startFakeOpenAI(() => `Use a Set.\n\`\`\`typescript\n${fasterUniqueWords}\n\`\`\``);
      const json = join(fixture.dir, '..', `${name}-${mode}-report.json`);
      const result = await runCli([
        'review',
        ...['--repo', fixture.dir, '--base', fixture.base, '--head', fixture.head],
        ...[
          '--base-url',
          model.baseUrl,
          '--model',
          'fake-coder',
          '--sandbox',
          mode,
          '--image',
          dockerTestImage,
        ],
        ...['--rounds', '20', '--iterations', '1', '--candidates', '1', '--rules', 'off', '--no-cache'],
        ...['--out', join(fixture.dir, '..', `${name}-${mode}-report.md`), '--json', json],
      ]);
      exitCode = result.code;
      stderr = result.stderr;
      report = JSON.parse(await readFile(json, 'utf8').catch(() => '{}')) as RunReport;
    }, 900_000);

    afterAll(async () => {
      await model?.close();
    });

    it('verifies the faster rewrite: tests pass, recorded calls replay equal, and it is faster', () => {
      expect(exitCode, stderr).toBe(0);
      expect(report.skipped, JSON.stringify(report.skipped)).toEqual([]);
      expect(report.suggestions.map((s) => s.name)).toEqual(['uniqueWords']);
      const [suggestion] = report.suggestions;
      expect(suggestion?.replacement).toBe(fasterUniqueWords);
      expect(suggestion?.tests.passed).toBe(true);
      expect(suggestion?.benchmark.verdict).toBe('faster');
    });
  });
});

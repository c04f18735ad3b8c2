import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import type { RunReport } from '../../src/report/index.js';
import { runCli } from '../helpers/cli.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';

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
  let model: FakeOpenAI;
  let report: RunReport;
  let exitCode: number;
  let stderr: string;

  beforeAll(async () => {
    fixture = await materializeFixture('curried-helpers');
    model = await startFakeOpenAI(
      () => `Keep a Set of the keys seen.\n\`\`\`javascript\n${fasterInner}\n\`\`\``,
    );
    const json = join(fixture.dir, '..', `${mode}-wrapped-report.json`);
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
      ...['--rounds', '12', '--json', json, '--rules', 'off'],
    ]);
    exitCode = result.code;
    stderr = result.stderr;
    report = JSON.parse(await readFile(json, 'utf8').catch(() => '{}')) as RunReport;
  });

  afterAll(async () => {
    await model?.close();
    await fixture?.dispose();
  });

  it('finds the function defined inside curry(…) and verifies the faster version of it', () => {
    expect(exitCode, stderr).toBe(0);
    expect(report.skipped).toEqual([]);
    const [suggestion] = report.suggestions;
    expect(report.suggestions).toHaveLength(1);
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
    const prompt = model.requests[0]?.messages.at(-1)?.content ?? '';
    expect(prompt).toContain('const uniqueBy = curry(function uniqueBy(key, records) {');
  });

  it("applied to the head file, the suggestion keeps the repository's tests green", async () => {
    const path = join(fixture.dir, 'src/unique-by.js');
    const lines = (await readFile(path, 'utf8')).split('\n');
    const [suggestion] = report.suggestions;
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

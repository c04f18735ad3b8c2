import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, materializeFixture } from '../../src/demo/materialize-fixture.js';
import type { RunReport } from '../../src/report/index.js';
import { runCli } from '../helpers/cli.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { type ChatRequest, type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';

const run = promisify(execFile);

const faster: Record<string, { language: string; code: string }> = {
  uniqueTerms: {
    language: 'javascript',
    code: 'function uniqueTerms(words) {\n  return [...new Set(words)];\n}',
  },
  distinctPlayers: {
    language: 'javascript',
    code: 'export function distinctPlayers(rounds) {\n  return [...new Set(rounds.map((round) => round.player))];\n}',
  },
  uniqueWords: {
    language: 'javascript',
    code: 'function uniqueWords(words) {\n  return [...new Set(words)];\n}',
  },
  uniqueVersions: {
    language: 'javascript',
    code: 'function uniqueVersions(list) {\n  return [...new Set(list)];\n}',
  },
  distinctSizes: {
    language: 'javascript',
    code: 'function distinctSizes(sizes) {\n  return [...new Set(sizes)];\n}',
  },
  wordCounts: {
    language: 'javascript',
    code: [
      'export function wordCounts(text) {',
      '  const counts = new Map();',
      '  for (const word of text.split(/\\s+/)) if (word) counts.set(word, (counts.get(word) ?? 0) + 1);',
      '  return [...counts];',
      '}',
    ].join('\n'),
  },
};

/** The faster version of whichever function the prompt is about; a refusal for the others. */
function modelAnswer(request: ChatRequest): string {
  const prompt = request.messages.map((m) => m.content).join('\n');
  for (const [name, answer] of Object.entries(faster)) {
    if (prompt.includes(`\`${name}\``)) return `\`\`\`${answer.language}\n${answer.code}\n\`\`\``;
  }
  return 'Nothing to improve.';
}

async function review(options: {
  repo: string;
  base: string;
  head: string;
  mode: string;
  model: FakeOpenAI;
  iterations?: number;
}) {
  const json = join(options.repo, '..', `${options.mode}-report.json`);
  const out = join(options.repo, '..', `${options.mode}-report.md`);
  const result = await runCli([
    'review',
    ...['--repo', options.repo, '--base', options.base, '--head', options.head],
    ...['--base-url', options.model.baseUrl, '--model', 'fake-coder', '--rules', 'off'],
    ...['--sandbox', options.mode, '--image', dockerTestImage],
    ...[
      '--iterations',
      String(options.iterations ?? 1),
      '--candidates',
      '1',
      '--rounds',
      '12',
      '--out',
      out,
      '--json',
      json,
    ],
  ]);
  return {
    ...result,
    report: JSON.parse(await readFile(json, 'utf8').catch(() => '{}')) as RunReport,
    markdown: await readFile(out, 'utf8').catch(() => ''),
  };
}

const install = (dir: string) =>
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir });

// First answer: a version that reverses the order (a test fails); then the faster, correct one.
const reversed: Record<string, string> = {
  uniqueTerms: 'function uniqueTerms(words) {\n  return [...new Set(words)].reverse();\n}',
  distinctPlayers:
    'export function distinctPlayers(rounds) {\n  return [...new Set(rounds.map((round) => round.player))].reverse();\n}',
  uniqueVersions: 'function uniqueVersions(list) {\n  return [...new Set(list)].reverse();\n}',
  distinctSizes: 'function distinctSizes(sizes) {\n  return [...new Set(sizes)].reverse();\n}',
};

describe.each([
  {
    fixture: 'jasmine-glossary',
    runner: 'jasmine',
    target: 'uniqueTerms',
    file: 'spec/glossary.spec.js',
    failure: /uniqueTerms keeps first-seen order without duplicates: Expected \$\[0\] = 'c' to equal 'b'\./,
    passed: 3,
  },
  {
    fixture: 'ava-scores',
    runner: 'ava',
    target: 'distinctPlayers',
    file: 'test/scores.test.js',
    failure:
      // The report and the prompt keep a multi-line assertion on one line, its line breaks shown as ⏎.
      /distinctPlayers keeps first-seen order: Difference \(- actual, \+ expected\):\s*⏎\s*\[\s*⏎\s*-\s+'a',/,
    passed: 3,
  },
  {
    // Its coverage check (100%) fails on the relevant subset, and one assertion fails before any change.
    fixture: 'tap-versions',
    runner: 'tap',
    target: 'uniqueVersions',
    file: 'test/versions.js',
    failure:
      /test\/versions\.js > uniqueVersions > keeps first-seen order without repeats > should be equivalent: diff \(- expected, \+ actual\): ⏎ Array \[ ⏎ \+\s+"1\.1\.0",/,
    passed: 4,
    preexisting: '`test/versions.js > major > strips a leading v`',
  },
  {
    // A file at the root, reached through `require('..')`; one test needs a browser and fails before any change.
    fixture: 'qunit-sizes',
    runner: 'qunit',
    target: 'distinctSizes',
    file: 'test/sizes.js',
    failure: /sizes > distinctSizes keeps first-seen order: failed ⏎ actual: \[2,1,3\] ⏎ expected: \[3,1,2\]/,
    passed: 3,
    preexisting: '`sizes > totalSize of the page`',
  },
])(
  'afterburner review of a repository tested with $runner',
  ({ fixture: name, runner, target, file, failure, passed, preexisting }) => {
    let model: FakeOpenAI;
    let result: Awaited<ReturnType<typeof review>>;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      const fixture = await materializeFixture(name);
      dispose = fixture.dispose;
      await install(fixture.dir);
      let asked = 0;
      model = await startFakeOpenAI((request) => {
        const about = request.messages.some((m) => m.content.includes(`\`${target}\``));
        if (!about) return 'Nothing to improve.';
        asked++;
        return asked === 1 ? `\`\`\`javascript\n${reversed[target]}\n\`\`\`` : modelAnswer(request);
      });
      result = await review({
        repo: fixture.dir,
        base: fixture.base,
        head: fixture.head,
        mode: 'process',
        model,
        iterations: 2,
      });
    });

    afterAll(async () => {
      await model?.close();
      await dispose?.();
    });

    it(`verifies the faster version against the ${runner} tests that reach it, read test by test`, () => {
      expect(result.code, result.stderr).toBe(0);
      expect(result.report.suggestions.map((s) => s.name)).toEqual([target]);
      const [suggestion] = result.report.suggestions;
      expect(suggestion?.tests).toMatchObject({ runner, files: [file], passedCount: passed });
      expect(result.markdown).toContain(`${passed} tests in \`${file}\` passed with this version`);
      if (preexisting) {
        expect(result.markdown).toContain(
          `1 test fails before any change; not used as evidence: ${preexisting}.`,
        );
      }
    });

    it('tells the model which test the rejected version failed, with its first assertion lines', () => {
      const second = model.requests.filter((r) =>
        r.messages.some((m) => m.content.includes(`\`${target}\``)),
      )[1];
      expect(second?.messages.at(-1)?.content).toMatch(failure);
    });
  },
);

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

/**
 * The npm-workspaces fixture as a repository: dependencies installed and the lockfile committed in base, head
 * touching one function in each package, and base checked out, so head is reviewed from an export.
 */
async function monorepoWithHeadNotCheckedOut() {
  const dir = await mkdtemp(join(tmpdir(), 'afterburner-monorepo-'));
  await cp(join(fixturesDir, 'npm-workspaces'), dir, { recursive: true });
  await writeFile(join(dir, '.gitignore'), 'node_modules\n');
  await install(dir);
  const git = (...args: string[]) =>
    run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-C', dir, ...args]);
  await git('init', '--quiet', '--initial-branch=main');
  await git('add', '--all');
  await git('commit', '--quiet', '-m', 'base');
  const base = (await git('rev-parse', 'HEAD')).stdout.trim();
  const touch = async (file: string, line: string) => {
    const text = await readFile(join(dir, file), 'utf8');
    await writeFile(join(dir, file), text.replace(line, `${line}\n  ;`));
  };
  await touch('packages/words/src/words.js', 'function uniqueWords(words) {');
  await touch('packages/report/src/report.js', 'export function wordCounts(text) {');
  await git('commit', '--quiet', '-am', 'head: touch one function per package');
  const head = (await git('rev-parse', 'HEAD')).stdout.trim();
  await git('checkout', '--quiet', base);
  return { dir, base, head, dispose: () => rm(dir, { recursive: true, force: true }) };
}

describe.each(modes)(
  'afterburner review of an npm-workspaces monorepo, head not checked out (%s sandbox)',
  (mode) => {
    let model: FakeOpenAI;
    let result: Awaited<ReturnType<typeof review>>;
    let repo: Awaited<ReturnType<typeof monorepoWithHeadNotCheckedOut>>;

    beforeAll(async () => {
      repo = await monorepoWithHeadNotCheckedOut();
      model = await startFakeOpenAI(modelAnswer);
      result = await review({ repo: repo.dir, base: repo.base, head: repo.head, mode, model });
    });

    afterAll(async () => {
      await model?.close();
      await repo?.dispose();
    });

    it("runs each package's own runner from that package, with the work tree's installed dependencies", () => {
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.stringify(result.report)).not.toMatch(/not found/);
      const expected = {
        uniqueWords: { runner: 'mocha', files: ['packages/words/test/words.test.js'], passedCount: 2 },
        wordCounts: { runner: 'node:test', files: ['packages/report/test/report.test.js'], passedCount: 2 },
      };
      for (const [name, tests] of Object.entries(expected)) {
        const suggestion = result.report.suggestions.find((s) => s.name === name);
        if (suggestion) expect(suggestion.tests).toMatchObject(tests);
        // On a busy machine the timing may not clear the bar; the candidate still passed the package's tests.
        else
          expect(result.report.skipped.find((s) => s.name === name)?.reason).toMatch(
            /correct, but not significantly/,
          );
      }
      const words = result.report.suggestions.find((s) => s.name === 'uniqueWords');
      if (words)
        expect(words.tests.command).toMatch(/^cd packages\/words && mocha .* 'test\/words\.test\.js'$/);
      expect(result.report.suggestions.length).toBeGreaterThan(0);
      // Same lockfile in head and in the work tree: nothing to warn about.
      expect(result.report.notices.join('\n')).not.toMatch(/is not checked out/);
    });
  },
);

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../src/config/defaults.js';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import type { RunReport } from '../../src/report/index.js';
import { version } from '../../src/version.js';
import { createTempRepo, lines, type TempRepo } from '../detect/git-fixture.js';
import { runCli } from '../helpers/cli.js';
import { type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';

// A pull request controls every file in its tree, `.afterburner` included: the cache and the trajectory logs must
// neither be read from there nor written through it (issue 13, items 2, 3 and 10).

const slowUnique = lines(
  'export function uniqueIds(ids) {',
  '  const out = [];',
  '  for (const id of ids) {',
  '    if (!out.includes(id)) out.push(id);',
  '  }',
  '  return out;',
  '}',
);
const baseUnique = lines(
  'export function uniqueIds(ids) {',
  '  return ids.filter((id, i) => ids.indexOf(id) === i);',
  '}',
);
const fastUnique = 'export function uniqueIds(ids) {\n  return [...new Set(ids)];\n}';
const plantedUnique =
  'export function uniqueIds(ids) {\n  /* planted-by-the-pull-request */\n  return [...new Set(ids)];\n}';

const smallTest = lines(
  "import assert from 'node:assert/strict';",
  "import { test } from 'node:test';",
  "import { uniqueIds } from '../src/unique.js';",
  "test('keeps the first of each', () => assert.deepEqual(uniqueIds([1, 2, 1, 3]), [1, 2, 3]));",
);
const largeTest = lines(
  "import assert from 'node:assert/strict';",
  "import { test } from 'node:test';",
  "import { uniqueIds } from '../src/unique.js';",
  "test('many ids', () => {",
  '  const ids = Array.from({ length: 3000 }, (_, i) => i % 1500);',
  '  assert.equal(uniqueIds(ids).length, 1500);',
  '});',
);

/** A repository whose pull request changes `uniqueIds` (tested by `tests`), plus `extra` files in the same commit. */
async function pullRequest(tests: Record<string, string>): Promise<{ repo: TempRepo; base: string }> {
  const repo = await createTempRepo();
  const base = await repo.commit({
    'package.json': JSON.stringify({ name: 'ids', type: 'module', scripts: { test: 'node --test' } }),
    'src/unique.js': baseUnique,
    ...tests,
  });
  await repo.commit({ 'src/unique.js': slowUnique }, 'pull request');
  return { repo, base };
}

/** Stable JSON as the cache of 0.1.0 hashed it. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The key the cache of 0.1.0 filed a rules-only review of `target` under, with the default settings. */
function keyBeforeTheFix(target: Target): string {
  const { path, name, language, source, context } = target;
  const material = canonical({
    target: { path, name, language, source, context },
    config: {
      tool: version,
      promptVersion: 2,
      instruction: 'time',
      rules: 'only',
      iterations: defaults.iterations,
      candidates: defaults.candidates,
      minSpeedup: defaults.minSpeedupPercent / 100,
    },
    provider: { name: 'rules', model: 'offline-rules' },
  });
  return createHash('sha256').update(material).digest('hex');
}

async function review(
  repo: TempRepo,
  base: string,
  stateHome: string,
  args: string[],
): Promise<{ code: number; stderr: string; report: RunReport }> {
  const json = join(stateHome, `report-${Date.now()}.json`);
  const result = await runCli(
    [
      'review',
      ...['--repo', repo.dir, '--base', base, '--head', 'HEAD', '--sandbox', 'process'],
      ...['--rounds', '12', '--json', json, '--out', join(stateHome, 'report.md')],
      ...args,
    ],
    { env: { XDG_CACHE_HOME: join(stateHome, 'xdg') } },
  );
  const report = JSON.parse(await readFile(json, 'utf8').catch(() => '{}')) as RunReport;
  return { code: result.code, stderr: result.stderr, report };
}

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }).catch(() => [] as string[])).map(String).sort();
}

describe('a cache file planted by the pull request', () => {
  let repo: TempRepo;
  let stateHome: string;
  let outcome: Awaited<ReturnType<typeof review>>;

  beforeAll(async () => {
    stateHome = await mkdtemp(join(tmpdir(), 'afterburner-state-home-'));
    const pr = await pullRequest({
      'test/unique.test.js': `${smallTest}${largeTest.split('\n').slice(3).join('\n')}`,
    });
    repo = pr.repo;
    const detection = await detectChangedFunctions({ repo: repo.dir, base: pr.base, head: 'HEAD' });
    const target = detection.targets.find((t) => t.name === 'uniqueIds');
    if (!target) throw new Error('uniqueIds was not detected');
    const key = keyBeforeTheFix(target);
    await repo.commit(
      {
        [`.afterburner/cache/${key}.json`]: JSON.stringify({
          schemaVersion: 1,
          key,
          targetId: target.id,
          createdAt: new Date().toISOString(),
          best: { source: plantedUnique, imports: [], iteration: 1 },
          outcome: 'improved',
          usage: { inputTokens: 0, outputTokens: 0 },
        }),
      },
      'plant a cache entry',
    );
    outcome = await review(repo, pr.base, stateHome, []);
  }, 600_000);

  afterAll(async () => {
    await repo?.dispose();
    if (stateHome) await rm(stateHome, { recursive: true, force: true });
  });

  it('is never read: the planted candidate is not suggested', () => {
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.report.functionsAnalysed).toBe(1);
    const suggested = outcome.report.suggestions.map((s) => s.replacement).join('\n');
    expect(suggested).not.toContain('planted-by-the-pull-request');
  });

  it('keeps the state in the per-user cache directory, not in the repository', async () => {
    expect(await filesUnder(join(repo.dir, '.afterburner'))).toEqual([
      'cache',
      expect.stringMatching(/^cache\/[0-9a-f]{64}\.json$/),
    ]);
    const state = await filesUnder(join(stateHome, 'xdg', 'afterburner'));
    expect(state.some((f) => /-[0-9a-f]{16}\/trajectories\/.+\.jsonl$/.test(f))).toBe(true);
  });
});

describe('a .afterburner symlink committed by the pull request', () => {
  let repo: TempRepo;
  let stateHome: string;
  let outside: string;
  let outcome: Awaited<ReturnType<typeof review>>;

  beforeAll(async () => {
    stateHome = await mkdtemp(join(tmpdir(), 'afterburner-state-home-'));
    outside = await mkdtemp(join(tmpdir(), 'afterburner-outside-'));
    const pr = await pullRequest({ 'test/unique.test.js': smallTest });
    repo = pr.repo;
    await symlink(outside, join(repo.dir, '.afterburner'));
    await repo.git('add', '.afterburner');
    await repo.git('commit', '--quiet', '-m', 'redirect the state');
    outcome = await review(repo, pr.base, stateHome, []);
  }, 600_000);

  afterAll(async () => {
    await repo?.dispose();
    for (const dir of [stateHome, outside]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is not followed: nothing is written where it points', async () => {
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.report.functionsAnalysed).toBe(1);
    expect(await filesUnder(outside)).toEqual([]);
  });

  it('cannot be named as the cache directory either: exit 2, nothing run or written', async () => {
    const named = await review(repo, 'HEAD~1', stateHome, ['--cache-dir', join(repo.dir, '.afterburner')]);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/the state directory .* is inside the repository under review/);
    expect(await filesUnder(outside)).toEqual([]);
  });
});

describe('a test with large inputs added after a cached negative verdict', () => {
  let repo: TempRepo;
  let base: string;
  let stateHome: string;
  let model: FakeOpenAI;
  let first: Awaited<ReturnType<typeof review>>;
  let second: Awaited<ReturnType<typeof review>>;
  let requestsAfterFirst: number;
  let requestsAfterSecond: number;

  beforeAll(async () => {
    stateHome = await mkdtemp(join(tmpdir(), 'afterburner-state-home-'));
    model = await startFakeOpenAI(() => `\`\`\`javascript\n${fastUnique}\n\`\`\``);
    ({ repo, base } = await pullRequest({ 'test/unique.test.js': smallTest }));
    const args = [
      '--base-url',
      model.baseUrl,
      '--model',
      'fake-coder',
      '--rules',
      'off',
      '--iterations',
      '1',
    ];
    first = await review(repo, base, stateHome, args);
    requestsAfterFirst = model.requests.length;
    await repo.commit({ 'test/many.test.js': largeTest }, 'a test with many ids');
    second = await review(repo, base, stateHome, args);
    requestsAfterSecond = model.requests.length;
  }, 600_000);

  afterAll(async () => {
    await model?.close();
    await repo?.dispose();
    if (stateHome) await rm(stateHome, { recursive: true, force: true });
  });

  it('asks again, since the tests and the recorded calls changed, and finds the speedup', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(requestsAfterFirst).toBeGreaterThan(0);
    expect(requestsAfterSecond).toBeGreaterThan(requestsAfterFirst);
    expect(second.report.suggestions.map((s) => s.name)).toEqual(['uniqueIds']);
    expect(second.report.suggestions[0]?.benchmark.estimate.low).toBeGreaterThan(2);
  });
});

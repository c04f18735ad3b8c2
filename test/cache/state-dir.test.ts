import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  actionStateRoot,
  type CachedOutcome,
  ResultCache,
  repositoryKey,
  resolveStatePaths,
  StateLocation,
  userStateRoot,
} from '../../src/cache/index.js';

const run = promisify(execFile);
const evidence = { tests: 'a'.repeat(64), calls: 'b'.repeat(64) };
const key = 'c'.repeat(64);

function entry(overrides: Partial<CachedOutcome> = {}): CachedOutcome {
  return {
    schemaVersion: 2,
    key,
    targetId: 'src/a.js#f',
    createdAt: '2026-01-01T00:00:00.000Z',
    evidence,
    best: { answer: '```javascript\nexport function f() {}\n```', iteration: 1 },
    outcome: 'improved',
    usage: { inputTokens: 1, outputTokens: 2 },
    ...overrides,
  };
}

let scratch: string;
let repo: string;
let outside: string;

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'afterburner-state-unit-'));
  repo = join(scratch, 'repo');
  outside = join(scratch, 'outside');
  await mkdir(repo);
  await mkdir(outside);
  await run('git', ['init', '--quiet'], { cwd: repo });
});

afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('where the state lives', () => {
  it('defaults to the per-user cache directory (XDG), and to the tool cache in the Action', () => {
    expect(userStateRoot({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/afterburner');
    // The XDG spec: a relative value is ignored.
    expect(userStateRoot({ XDG_CACHE_HOME: 'rel' })).toMatch(/[\\/]\.cache[\\/]afterburner$/);
    expect(actionStateRoot({ RUNNER_TOOL_CACHE: '/opt/tool', RUNNER_TEMP: '/tmp/r' })).toBe(
      '/opt/tool/afterburner',
    );
    expect(actionStateRoot({ RUNNER_TEMP: '/tmp/r' })).toBe('/tmp/r/afterburner');
  });

  it('is keyed by repository: owner/name, else the origin remote without credentials, else the path', async () => {
    expect(await repositoryKey(repo, 'Octo/Shop')).toBe(await repositoryKey(outside, 'octo/shop'));
    expect(await repositoryKey(repo, 'octo/shop')).toMatch(/^shop-[0-9a-f]{16}$/);
    const byPath = await repositoryKey(repo);
    await run('git', ['remote', 'add', 'origin', 'https://user:secret@github.com/octo/shop.git'], {
      cwd: repo,
    });
    const byRemote = await repositoryKey(repo);
    expect(byRemote).not.toBe(byPath);
    await run('git', ['remote', 'set-url', 'origin', 'https://github.com/octo/shop'], { cwd: repo });
    expect(await repositoryKey(repo)).toBe(byRemote);
    expect(byRemote).not.toContain('secret');
  });

  it('puts cache and trajectories below the state root, per repository, creating nothing yet', async () => {
    const root = join(scratch, 'state');
    const paths = await resolveStatePaths({ repo, stateDir: root, repositoryId: 'octo/shop' });
    const id = await repositoryKey(repo, 'octo/shop');
    expect(paths.cache?.path).toBe(join(scratch, 'state', id, 'cache'));
    expect(paths.trajectories?.path).toBe(join(scratch, 'state', id, 'trajectories'));
    await expect(readdir(root)).rejects.toThrow(/ENOENT/);
    expect(await resolveStatePaths({ repo, stateDir: root, cacheDir: false, trajectoryDir: false })).toEqual(
      {},
    );
  });

  it('refuses a directory inside the repository, or reached through a symlink the repository holds', async () => {
    await expect(resolveStatePaths({ repo, stateDir: join(repo, '.afterburner') })).rejects.toThrow(
      /inside the repository under review/,
    );
    await expect(resolveStatePaths({ repo, cacheDir: join(repo, 'x', 'cache') })).rejects.toThrow(
      /the cache directory .* is inside the repository/,
    );
    await symlink(outside, join(repo, '.afterburner'));
    await expect(resolveStatePaths({ repo, stateDir: join(repo, '.afterburner', 'state') })).rejects.toThrow(
      /inside the repository under review/,
    );
    expect(await readdir(outside)).toEqual([]);
  });
});

describe('creating and using the state directories', () => {
  it('creates each directory private, and refuses one that is a symlink, writing nothing through it', async () => {
    const location = new StateLocation(scratch, ['state', 'repo-1', 'cache']);
    await mkdir(join(scratch, 'state'));
    await symlink(outside, join(scratch, 'state', 'repo-1'));
    await expect(location.ensure()).rejects.toThrow(/is a symbolic link/);
    const cache = new ResultCache(location);
    expect(await cache.get(key, evidence)).toBeUndefined();
    await expect(cache.set(entry())).rejects.toThrow(/is a symbolic link/);
    expect(await readdir(outside)).toEqual([]);

    await rm(join(scratch, 'state', 'repo-1'));
    expect(await location.ensure()).toBe(join(scratch, 'state', 'repo-1', 'cache'));
  });

  it('never reads an entry through a symlink, and replaces a symlinked entry instead of writing through it', async () => {
    const location = new StateLocation(scratch, ['cache']);
    const dir = await location.ensure();
    const target = join(outside, 'victim.json');
    await writeFile(target, JSON.stringify(entry()));
    await symlink(target, join(dir, `${key}.json`));
    const cache = new ResultCache(location);
    expect(await cache.get(key, evidence)).toBeUndefined();
    await cache.set(entry({ outcome: 'rewritten' }));
    expect(JSON.parse(await readFile(target, 'utf8')).outcome).toBe('improved');
    expect((await cache.get(key, evidence))?.outcome).toBe('rewritten');
  });

  it('treats an entry reached on other tests or other recorded calls as a miss', async () => {
    const cache = new ResultCache(new StateLocation(scratch, ['cache']));
    await cache.set(entry());
    expect(await cache.get(key, evidence)).toMatchObject({ outcome: 'improved' });
    expect(await cache.get(key, { ...evidence, tests: 'd'.repeat(64) })).toBeUndefined();
    expect(await cache.get(key, { ...evidence, calls: 'd'.repeat(64) })).toBeUndefined();
  });

  it('reads no entry of the old format (a bare source, trusted as is)', async () => {
    const location = new StateLocation(scratch, ['cache']);
    const dir = await location.ensure();
    const old = {
      schemaVersion: 1,
      key,
      best: { source: 'x', imports: [], iteration: 1 },
      outcome: 'improved',
    };
    await writeFile(join(dir, `${key}.json`), JSON.stringify(old));
    expect(await new ResultCache(location).get(key, evidence)).toBeUndefined();
  });
});

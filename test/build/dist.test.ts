import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { version } from '../../src/version.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('dist/', () => {
  let fresh: string | undefined;
  afterAll(async () => {
    if (fresh) await rm(fresh, { recursive: true, force: true });
  });

  it('is what the build makes from the current sources (commit a rebuilt dist/)', async () => {
    fresh = await mkdtemp(join(tmpdir(), 'afterburner-dist-'));
    await run(process.execPath, [join(root, 'scripts/build.mjs'), '--outdir', fresh]);
    const committed = join(root, 'dist');
    const files = await listFiles(fresh);
    expect(await listFiles(committed)).toEqual(files);
    for (const file of files) {
      const [built, shipped] = await Promise.all([
        readFile(join(fresh, file)),
        readFile(join(committed, file)),
      ]);
      expect(shipped.equals(built), `dist/${file} is stale: run npm run build`).toBe(true);
    }
  });

  it('runs on this Node and answers --version with the package version', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(version).toBe(manifest.version);
    const { stdout } = await run(process.execPath, [join(root, 'dist/cli.js'), '--version']);
    expect(stdout.trim()).toBe(manifest.version);
  });

  it('declares the Action on node24 with dist/index.js', async () => {
    const action = parse(await readFile(join(root, 'action.yml'), 'utf8')) as {
      runs: Record<string, string>;
    };
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });
});

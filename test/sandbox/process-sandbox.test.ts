import { readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessSandbox } from '../../src/sandbox/process-sandbox.js';
import type { Workspace } from '../../src/sandbox/types.js';
import { makeSourceDir } from '../helpers/source-dir.js';

describe('ProcessSandbox', () => {
  const sandbox = new ProcessSandbox({ limits: { outputBytes: 64 * 1024 } });
  let workspace: Workspace;
  let source: Awaited<ReturnType<typeof makeSourceDir>>;

  beforeAll(async () => {
    source = await makeSourceDir();
    workspace = await sandbox.open({ sourceDir: source.dir });
  });

  afterAll(async () => {
    await sandbox.close();
    await source.cleanup();
  });

  it('says it is not isolated', () => {
    expect(sandbox.isolated).toBe(false);
    expect(sandbox.description).toMatch(/NOT isolated/);
  });

  it('copies the source without .git into a separate directory', async () => {
    expect(workspace.root).not.toBe(source.dir);
    const result = await workspace.exec(['sh', '-c', 'ls -A; cat src/add.js'], { timeoutMs: 10_000 });
    expect(result).toMatchObject({ outcome: 'ok', exitCode: 0 });
    expect(result.stdout).toContain('exports.add');
    expect(result.stdout).not.toContain('.git');
  });

  it('reports exit codes, separate streams and cwd', async () => {
    const result = await workspace.exec(['sh', '-c', 'echo out; echo err >&2; pwd; exit 4'], {
      timeoutMs: 10_000,
      cwd: 'src',
    });
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 4, stderr: 'err\n', truncated: false });
    expect(result.stdout).toBe(`out\n${path.join(workspace.root, 'src')}\n`);
    await expect(workspace.exec(['true'], { timeoutMs: 10_000, cwd: '../etc' })).rejects.toThrow(/outside/);
    const missing = await workspace.exec(['no-such-command-afterburner'], { timeoutMs: 10_000 });
    expect(missing.outcome).toBe('failed');
  });

  it('kills the whole process group at the timeout', async () => {
    const marker = `afterburner-grandchild-${process.pid}`;
    const result = await workspace.exec(['sh', '-c', `sh -c 'exec -a ${marker} sleep 100' & sleep 100`], {
      timeoutMs: 500,
    });
    expect(result.outcome).toBe('timeout');
    // The command alone would sleep 100 s: returning before that means it was killed, not awaited.
    expect(result.durationMs).toBeLessThan(100_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesNamed(marker)).toEqual([]);
  });

  it('caps output', async () => {
    const result = await workspace.exec(['sh', '-c', 'yes xxxxxxxx'], { timeoutMs: 20_000 });
    expect(result).toMatchObject({ outcome: 'output-limit', truncated: true });
    expect(result.stdout.length).toBe(64 * 1024);
  });

  it('scrubs secrets from the environment and adds the given variables', async () => {
    const secrets = {
      AFTERBURNER_API_KEY: 'secret-value-1',
      GITHUB_TOKEN: 'secret-value-2',
      OPENAI_BASE_URL: 'secret-value-3',
      MY_PASSWORD: 'secret-value-4',
      NPM_CONFIG__AUTHTOKEN: 'secret-value-5',
    };
    Object.assign(process.env, secrets);
    try {
      const result = await workspace.exec(['env'], { timeoutMs: 10_000, env: { EXTRA: 'yes' } });
      for (const [name, value] of Object.entries(secrets)) {
        expect(result.stdout).not.toContain(name);
        expect(result.stdout).not.toContain(value);
      }
      expect(result.stdout).toContain('EXTRA=yes\n');
      expect(result.stdout).toMatch(/^PATH=/m);
    } finally {
      for (const name of Object.keys(secrets)) delete process.env[name];
    }
  });

  it('writes into the copy, never into the source', async () => {
    await workspace.writeFile('src/add.js', 'changed');
    await workspace.writeFile('lib/new.js', 'new');
    const result = await workspace.exec(['cat', 'src/add.js', 'lib/new.js'], { timeoutMs: 10_000 });
    expect(result.stdout).toBe('changednew');
    expect(await fs.readFile(path.join(source.dir, 'src', 'add.js'), 'utf8')).toContain('exports.add');
    await expect(fs.access(path.join(source.dir, 'lib'))).rejects.toThrow();
    await expect(workspace.writeFile('../escape.txt', 'x')).rejects.toThrow(/outside/);
  });

  it('removes the copy on dispose', async () => {
    const other = await sandbox.open({ sourceDir: source.dir });
    await other.dispose();
    await expect(fs.access(other.root)).rejects.toThrow();
  });
});

/** Live processes whose argv[0] is `name` (read from /proc: `ps` is not on every CI image). */
function processesNamed(name: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === name;
      } catch {
        return false;
      }
    });
}

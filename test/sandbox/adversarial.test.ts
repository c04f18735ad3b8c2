import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSandbox } from '../../src/sandbox/docker-sandbox.js';
import { ProcessSandbox } from '../../src/sandbox/process-sandbox.js';
import type { Sandbox, Workspace } from '../../src/sandbox/types.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { makeSourceDir } from '../helpers/source-dir.js';

/**
 * Hostile commands, as a candidate or a PR's tests could run them. Each must end with the right outcome,
 * leave the host alone and leave nothing running. Cases marked `isolatedOnly` do not apply to the process
 * sandbox, which is not a security boundary: it has the network, can write wherever the user can, cannot
 * limit processes when running as root (RLIMIT_NPROC does not bind root, so a fork bomb would hit the host),
 * and can read the parent's /proc/<pid>/environ.
 */
const memoryLimit = 192 * 2 ** 20;
const outputLimit = 1024 * 1024;
const marker = `afterburner-stray-${process.pid}`;
const withDocker = await dockerAvailable();

const node = (code: string, ...args: string[]) => ['node', '-e', code, ...args];

function suite(name: string, makeSandbox: () => Promise<Sandbox>, isolated: boolean) {
  describe(name, () => {
    let sandbox: Sandbox;
    let workspace: Workspace;
    let source: Awaited<ReturnType<typeof makeSourceDir>>;

    beforeAll(async () => {
      source = await makeSourceDir();
      sandbox = await makeSandbox();
      workspace = await sandbox.open({ sourceDir: source.dir });
    });

    afterAll(async () => {
      await sandbox?.close();
      await source?.cleanup();
    });

    it('kills an infinite loop at the time limit', async () => {
      const result = await workspace.exec(node('for (;;) {}'), { timeoutMs: 1_000 });
      expect(result.outcome).toBe('timeout');
    });

    it('kills a process that ignores SIGTERM at the time limit', async () => {
      const result = await workspace.exec(
        node('process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'),
        { timeoutMs: 1_000 },
      );
      expect(result.outcome).toBe('timeout');
    });

    it('stops a memory bomb as oom', async () => {
      const result = await workspace.exec(
        node('const a = []; for (;;) a.push(Buffer.alloc(8 * 2 ** 20, 1));'),
        {
          timeoutMs: 30_000,
        },
      );
      expect(result.outcome).toBe('oom');
      expect((await workspace.exec(['true'], { timeoutMs: 10_000 })).outcome).toBe('ok');
    });

    it('cuts 100 MB of stdout at the output limit', async () => {
      const result = await workspace.exec(['sh', '-c', 'head -c 100000000 /dev/zero | tr "\\0" x'], {
        timeoutMs: 30_000,
      });
      expect(result).toMatchObject({ outcome: 'output-limit', truncated: true });
      expect(result.stdout.length).toBe(outputLimit);
    });

    it('keeps host secrets out of the environment', async () => {
      const secrets = { AFTERBURNER_API_KEY: 'sk-adversarial-1', GITHUB_TOKEN: 'ghp-adversarial-2' };
      Object.assign(process.env, secrets);
      try {
        const result = await workspace.exec(['sh', '-c', 'env; cat /proc/1/environ'], { timeoutMs: 10_000 });
        for (const [key, value] of Object.entries(secrets)) {
          expect(result.stdout).not.toContain(key);
          expect(result.stdout).not.toContain(value);
        }
      } finally {
        for (const key of Object.keys(secrets)) delete process.env[key];
      }
    });

    it('ends a child left running in the background when the command returns', async () => {
      const stray = `setInterval(() => {}, 1000) // ${marker}`;
      const result = await workspace.exec(
        [
          'sh',
          '-c',
          `setsid node -e '${stray}' >/dev/null 2>&1 & node -e '${stray}' >/dev/null 2>&1 & echo started`,
        ],
        { timeoutMs: 10_000 },
      );
      expect(result).toMatchObject({ outcome: 'ok', stdout: 'started\n' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await strays()).toBe(0);
    });

    it.runIf(isolated)('has no route for an outbound connection', async () => {
      const result = await workspace.exec(
        node(
          "require('net').connect(443, '140.82.112.3').on('connect', () => process.exit(0)).on('error', (e) => { console.log(e.code); process.exit(2) })",
        ),
        { timeoutMs: 10_000 },
      );
      expect(result).toMatchObject({ outcome: 'failed', exitCode: 2 });
      expect(result.stdout).toMatch(/ENETUNREACH|EHOSTUNREACH|EAI_AGAIN/);
    });

    it.runIf(isolated)('cannot write outside the workspace', async () => {
      const result = await workspace.exec(
        [
          'sh',
          '-c',
          'for f in /etc/pwned /usr/local/bin/pwned /pwned /work/../pwned; do echo x > $f && echo wrote $f; done; exit 0',
        ],
        { timeoutMs: 10_000 },
      );
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/Read-only file system|Permission denied/);
      const check = await workspace.exec(
        ['sh', '-c', 'ls /etc/pwned /usr/local/bin/pwned /pwned 2>&1; exit 0'],
        {
          timeoutMs: 10_000,
        },
      );
      expect(check.stdout).not.toMatch(/^\/(etc|pwned|usr)/m);
    });

    it.runIf(isolated)('contains a fork bomb with the pids limit', async () => {
      const result = await workspace.exec(['sh', '-c', 'bomb() { bomb | bomb & }; bomb; sleep 3'], {
        timeoutMs: 3_000,
      });
      expect(['timeout', 'failed', 'crashed']).toContain(result.outcome);
      const after = await workspace.exec(['sh', '-c', 'ls -d /proc/[0-9]* | wc -l'], { timeoutMs: 10_000 });
      expect(after.outcome).toBe('ok');
      // PID 1, its sleep, and this exec's wrapper, shell, ls and wc.
      expect(Number(after.stdout.trim())).toBeLessThanOrEqual(8);
      expect(spawnSync('true').status).toBe(0);
    });

    async function strays(): Promise<number> {
      if (!isolated) return hostProcessesWith(marker);
      const list = await workspace.exec(['sh', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "; echo'], {
        timeoutMs: 10_000,
      });
      // The `sh -c` of this very exec does not mention the marker; only the strays do.
      return list.stdout.split(marker).length - 1;
    }
  });
}

/** Host processes whose command line contains `text` (read from /proc: `ps` is not on every CI image). */
function hostProcessesWith(text: string): number {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    }).length;
}

const limits = { memoryBytes: memoryLimit, outputBytes: outputLimit, pids: 64 };
const dockerRunId = `test-adversarial-${process.pid}`;

describe.skipIf(!withDocker)('adversarial: docker', () => {
  suite(
    'DockerSandbox',
    () => DockerSandbox.connect({ image: dockerTestImage, runId: dockerRunId, limits }),
    true,
  );

  afterAll(() => {
    const listed = spawnSync('docker', ['ps', '-aq', '--filter', `label=afterburner.run=${dockerRunId}`], {
      encoding: 'utf8',
    });
    expect(listed.status).toBe(0);
    expect(listed.stdout.trim()).toBe('');
  });
});

describe('adversarial: process', () => {
  suite('ProcessSandbox', async () => new ProcessSandbox({ limits }), false);
});

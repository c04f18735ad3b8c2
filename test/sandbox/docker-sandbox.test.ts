import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapStaleContainers } from '../../src/sandbox/docker-cleanup.js';
import { DockerSandbox } from '../../src/sandbox/docker-sandbox.js';
import type { Workspace } from '../../src/sandbox/types.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { makeSourceDir } from '../helpers/source-dir.js';

const runId = `test-${process.pid}-${Date.now()}`;

describe.skipIf(!(await dockerAvailable()))('DockerSandbox', () => {
  let sandbox: DockerSandbox;
  let workspace: Workspace;
  let source: Awaited<ReturnType<typeof makeSourceDir>>;

  beforeAll(async () => {
    source = await makeSourceDir();
    sandbox = await DockerSandbox.connect({
      image: dockerTestImage,
      runId,
      limits: { memoryBytes: 64 * 2 ** 20, outputBytes: 64 * 1024 },
    });
    workspace = await sandbox.open({ sourceDir: source.dir, labels: { 'afterburner.target': 'add' } });
  });

  afterAll(async () => {
    await sandbox?.close();
    await source?.cleanup();
  });

  it('copies the source without .git and reports exit codes', async () => {
    const ok = await workspace.exec(['sh', '-c', 'ls -A; cat src/add.js'], { timeoutMs: 10_000 });
    expect(ok).toMatchObject({ outcome: 'ok', exitCode: 0, truncated: false });
    expect(ok.stdout).toContain('exports.add');
    expect(ok.stdout).not.toContain('.git');
    const failed = await workspace.exec(['sh', '-c', 'exit 3'], { timeoutMs: 10_000 });
    expect(failed).toMatchObject({ outcome: 'failed', exitCode: 3 });
  });

  it('separates stdout and stderr and honours cwd and env', async () => {
    const result = await workspace.exec(['sh', '-c', 'echo out; echo err >&2; pwd; echo "$GREETING"'], {
      timeoutMs: 10_000,
      cwd: 'src',
      env: { GREETING: 'hello' },
    });
    expect(result.stdout).toBe('out\n/work/src\nhello\n');
    expect(result.stderr).toBe('err\n');
    await expect(workspace.exec(['true'], { timeoutMs: 10_000, cwd: '../etc' })).rejects.toThrow(/outside/);
  });

  it('caps output and stops the command', async () => {
    const result = await workspace.exec(['sh', '-c', 'yes xxxxxxxx'], { timeoutMs: 20_000 });
    expect(result.outcome).toBe('output-limit');
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBe(64 * 1024);
  });

  it('kills a command at its timeout, background children included', async () => {
    const result = await workspace.exec(['sh', '-c', 'sleep 100 & sleep 100'], { timeoutMs: 1_000 });
    expect(result.outcome).toBe('timeout');
    // The command alone would sleep 100 s: returning before that means it was killed, not awaited.
    expect(result.durationMs).toBeLessThan(100_000);
    const after = await workspace.exec(['sh', '-c', 'echo still alive'], { timeoutMs: 10_000 });
    expect(after.stdout).toBe('still alive\n');
  });

  it('has no network, runs as nobody, and sees no host secrets', async () => {
    process.env.AFTERBURNER_API_KEY = 'sk-host-secret';
    try {
      const result = await workspace.exec(['sh', '-c', 'ls /sys/class/net; id -u; id -g; env'], {
        timeoutMs: 10_000,
      });
      const [net, uid, gid] = result.stdout.split('\n');
      expect(net).toBe('lo');
      expect([uid, gid]).toEqual(['65534', '65534']);
      expect(result.stdout).not.toContain('sk-host-secret');
      expect(result.stdout).not.toContain('AFTERBURNER_API_KEY');
    } finally {
      delete process.env.AFTERBURNER_API_KEY;
    }
    const connect = await workspace.exec(
      [
        'node',
        '-e',
        "require('net').connect(53, '1.1.1.1').on('connect', () => process.exit(0)).on('error', (e) => { console.log(e.code); process.exit(2); })",
      ],
      { timeoutMs: 10_000 },
    );
    expect(connect).toMatchObject({ outcome: 'failed', exitCode: 2 });
  });

  it('lets the tests create files and directories at the top of the work tree (nyc, coverage, caches)', async () => {
    const result = await workspace.exec(
      ['sh', '-c', 'mkdir .nyc_output && echo ok > top.txt && cat top.txt'],
      {
        timeoutMs: 10_000,
      },
    );
    expect(result, result.stderr).toMatchObject({ outcome: 'ok', stdout: 'ok\n' });
  });

  it('writes files the sandbox user can read and overwrite', async () => {
    await workspace.writeFile('src/deep/new.txt', 'first');
    await workspace.writeFile('src/deep/new.txt', 'second');
    const result = await workspace.exec(['sh', '-c', 'cat src/deep/new.txt && echo x >> src/deep/new.txt'], {
      timeoutMs: 10_000,
    });
    expect(result).toMatchObject({ outcome: 'ok', stdout: 'second' });
  });

  it('reports an out-of-memory kill as oom', async () => {
    const result = await workspace.exec(
      ['node', '-e', 'const a = []; for (;;) a.push(Buffer.alloc(4 * 2 ** 20, 1));'],
      { timeoutMs: 30_000 },
    );
    expect(result.outcome).toBe('oom');
    const after = await workspace.exec(['true'], { timeoutMs: 10_000 });
    expect(after.outcome).toBe('ok');
  });

  it('removes the container and its volume on dispose', async () => {
    const other = (await sandbox.open({ sourceDir: source.dir })) as Workspace & {
      container: Docker.Container;
    };
    const info = await other.container.inspect();
    expect(info.Config.Labels).toMatchObject({ afterburner: '1', 'afterburner.run': runId });
    expect(info.HostConfig).toMatchObject({ NetworkMode: 'none', ReadonlyRootfs: true, CapDrop: ['ALL'] });
    await other.dispose();
    await expect(other.container.inspect()).rejects.toMatchObject({ statusCode: 404 });
    const docker = new Docker();
    const volumes = await docker.listVolumes();
    const mounted = info.Mounts.map((m) => m.Name);
    expect(volumes.Volumes.filter((v) => mounted.includes(v.Name))).toEqual([]);
  });

  it('reaps exited afterburner containers but leaves running ones', async () => {
    const docker = new Docker();
    const stale = await docker.createContainer({
      Image: dockerTestImage,
      Cmd: ['true'],
      Labels: { afterburner: '1', 'afterburner.run': `${runId}-stale` },
      HostConfig: { NetworkMode: 'none' },
    });
    await stale.start();
    await stale.wait();
    await reapStaleContainers(docker);
    await expect(stale.inspect()).rejects.toMatchObject({ statusCode: 404 });
    const alive = await workspace.exec(['true'], { timeoutMs: 10_000 });
    expect(alive.outcome).toBe('ok');
  });
});

import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapStaleContainers } from '../../src/sandbox/docker-cleanup.js';
import { creatorLabels, currentProcess, type ProcessIdentity } from '../../src/sandbox/process-identity.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

// The exit hooks only run in a real process that exits, so the sandbox runs in a child Node process.
const driver = `
const { DockerSandbox } = require('./docker-sandbox.cjs');
(async () => {
  const sandbox = await DockerSandbox.connect({ image: process.env.IMAGE, runId: process.env.RUN_ID });
  await sandbox.open({ sourceDir: __dirname });
  console.log('ready');
  if (process.env.HOW === 'exit') process.exit(0);
  setInterval(() => {}, 1000);
})();
`;

describe.skipIf(!(await dockerAvailable()))('Docker cleanup on process exit', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'afterburner-cleanup-'));
    await build({
      entryPoints: [path.join(repoRoot, 'src/sandbox/docker-sandbox.ts')],
      outfile: path.join(dir, 'docker-sandbox.cjs'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      logLevel: 'silent',
    });
    await fs.writeFile(path.join(dir, 'driver.cjs'), driver);
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT', 'exit'])('removes the run’s containers on %s', async (how) => {
    const runId = `test-cleanup-${how}-${process.pid}`;
    const child = spawn(process.execPath, [path.join(dir, 'driver.cjs')], {
      env: {
        ...process.env,
        NODE_PATH: path.join(repoRoot, 'node_modules'),
        IMAGE: dockerTestImage,
        RUN_ID: runId,
        HOW: how,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    const ready = new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => d.includes('ready') && resolve()),
    );
    await Promise.race([
      ready,
      exited.then((end) => Promise.reject(new Error(`driver ended early: ${end}`))),
    ]);
    const docker = new Docker();
    const label = { label: [`afterburner.run=${runId}`] };
    expect(await docker.listContainers({ all: true, filters: label })).toHaveLength(1);
    if (how !== 'exit') child.kill(how as NodeJS.Signals);
    expect(await exited).toBe(how === 'exit' ? 0 : how);
    expect(await docker.listContainers({ all: true, filters: label })).toEqual([]);
  });
});

describe.skipIf(!(await dockerAvailable()))(
  'Docker reaper and the creating process (issue 13, item 8)',
  () => {
    const docker = new Docker();
    const created: Docker.Container[] = [];

    afterAll(async () => {
      await Promise.allSettled(created.map((c) => c.remove({ force: true })));
    });

    async function running(name: string, creator: ProcessIdentity): Promise<Docker.Container> {
      const container = await docker.createContainer({
        Image: dockerTestImage,
        Cmd: ['sleep', '600'],
        Labels: {
          afterburner: '1',
          'afterburner.run': `test-reaper-${name}-${process.pid}`,
          ...creatorLabels(creator),
        },
        HostConfig: { NetworkMode: 'none' },
      });
      created.push(container);
      await container.start();
      return container;
    }

    it('removes running containers whose creator is gone, and keeps those of live processes', async () => {
      const exited = spawn(process.execPath, ['-e', '']);
      await new Promise((resolve) => exited.on('exit', resolve));
      const me = currentProcess();
      const gone = await running('gone', { ...me, pid: exited.pid as number, start: '' });
      // Same pid, other start time: the pid was reused by another process.
      const reused = await running('reused', { ...me, start: `${Number(me.start) - 1}` });
      const rebooted = await running('rebooted', { ...me, boot: 'another-boot' });
      const live = await running('live', me);
      const elsewhere = await running('elsewhere', {
        ...me,
        host: `not-${me.host}`,
        pid: exited.pid as number,
      });

      expect(await reapStaleContainers(docker)).toBeGreaterThanOrEqual(3);
      for (const container of [gone, reused, rebooted]) {
        await expect(container.inspect()).rejects.toMatchObject({ statusCode: 404 });
      }
      for (const container of [live, elsewhere]) {
        expect((await container.inspect()).State.Running).toBe(true);
      }
    });
  },
);

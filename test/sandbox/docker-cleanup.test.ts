import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

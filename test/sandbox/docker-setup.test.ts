import fs from 'node:fs/promises';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSandbox } from '../../src/sandbox/docker-sandbox.js';
import { setupLabelKey } from '../../src/sandbox/docker-setup.js';
import type { SetupStep, Workspace } from '../../src/sandbox/types.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { makeSourceDir } from '../helpers/source-dir.js';

const runId = `test-setup-${process.pid}-${Date.now()}`;
const docker = new Docker();
const pythonAlias = `afterburner-test/python-alias:${process.pid}`;

// Records when it ran and which network interfaces it saw; the nonce keeps earlier test runs' snapshots out.
const setup = (nonce: string): SetupStep => ({
  command: [
    'sh',
    '-c',
    `mkdir -p node_modules && date +%s%N > node_modules/installed && ls /sys/class/net | tr "\\n" " " > node_modules/net # ${nonce}`,
  ],
  lockfiles: ['package-lock.json'],
});

describe.skipIf(!(await dockerAvailable()))('DockerSandbox setup, images and placement', () => {
  let sandbox: DockerSandbox;
  let source: Awaited<ReturnType<typeof makeSourceDir>>;
  const nonce = `${process.pid}-${Date.now()}`;
  const workspaces: Workspace[] = [];

  const cat = async (workspace: Workspace, file: string) =>
    (await workspace.exec(['cat', file], { timeoutMs: 10_000 })).stdout;

  beforeAll(async () => {
    source = await makeSourceDir();
    await fs.writeFile(path.join(source.dir, 'package-lock.json'), '{"lockfileVersion":3}\n');
    await docker
      .getImage(dockerTestImage)
      .tag({ repo: pythonAlias.split(':')[0] as string, tag: String(process.pid) });
    sandbox = await DockerSandbox.connect({ image: dockerTestImage, images: { python: pythonAlias }, runId });
  });

  afterAll(async () => {
    await sandbox?.close();
    await source?.cleanup();
    const images = await docker.listImages({ filters: { label: [setupLabelKey] } });
    for (const image of images) {
      const info = await docker.getImage(image.Id).inspect();
      if (info.Comment?.includes(nonce) || JSON.stringify(info.ContainerConfig ?? {}).includes(nonce)) {
        await docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => {});
      }
    }
    await docker
      .getImage(pythonAlias)
      .remove()
      .catch(() => {});
  });

  it('runs the setup once with network and starts network-less workspaces from its snapshot', async () => {
    const first = await sandbox.open({ sourceDir: source.dir, setup: setup(nonce) });
    const second = await sandbox.open({ sourceDir: source.dir, setup: setup(nonce) });
    workspaces.push(first, second);
    const installed = await cat(first, 'node_modules/installed');
    expect(installed).toMatch(/^\d+\n$/);
    expect(await cat(second, 'node_modules/installed')).toBe(installed);
    expect(await cat(first, 'node_modules/net')).toMatch(/eth0/);
    const net = await first.exec(['ls', '/sys/class/net'], { timeoutMs: 10_000 });
    expect(net.stdout).toBe('lo\n');
    // The source is there too, writable by the sandbox user.
    expect(await cat(first, 'src/add.js')).toContain('exports.add');
    expect((await first.exec(['sh', '-c', 'echo y > node_modules/w'], { timeoutMs: 10_000 })).outcome).toBe(
      'ok',
    );
    // A later run (another sandbox) reuses the snapshot: same install, no new setup.
    const later = await DockerSandbox.connect({
      image: dockerTestImage,
      runId: `${runId}-later`,
      reap: false,
    });
    try {
      const reused = await later.open({ sourceDir: source.dir, setup: setup(nonce) });
      expect(await cat(reused, 'node_modules/installed')).toBe(installed);
    } finally {
      await later.close();
    }
  });

  it('never starts one repository from the snapshot another repository’s setup left (issue 13, item 7)', async () => {
    const sandboxes = await Promise.all(
      ['github.com/one/app', 'github.com/two/app'].map((repository) =>
        DockerSandbox.connect({
          image: dockerTestImage,
          runId: `${runId}-${repository.split('/')[1]}`,
          repository,
          reap: false,
        }),
      ),
    );
    try {
      // One after the other, as two runs on the same machine: the second would find the first's snapshot.
      const [first, second] = sandboxes as [DockerSandbox, DockerSandbox];
      const one = await first.open({ sourceDir: source.dir, setup: setup(`${nonce}-repositories`) });
      const two = await second.open({ sourceDir: source.dir, setup: setup(`${nonce}-repositories`) });
      const installed = await cat(one, 'node_modules/installed');
      expect(installed).toMatch(/^\d+\n$/);
      expect(await cat(two, 'node_modules/installed')).not.toBe(installed);
    } finally {
      await Promise.all(sandboxes.map((s) => s.close()));
    }
  });

  it('sets up again when a lockfile changes', async () => {
    const before = await sandbox.open({ sourceDir: source.dir, setup: setup(nonce) });
    await fs.writeFile(path.join(source.dir, 'package-lock.json'), '{"lockfileVersion":3,"changed":true}\n');
    const after = await sandbox.open({ sourceDir: source.dir, setup: setup(nonce) });
    workspaces.push(before, after);
    expect(await cat(after, 'node_modules/installed')).not.toBe(await cat(before, 'node_modules/installed'));
  });

  it('reports a failing setup in one line and leaves no container behind', async () => {
    const failing: SetupStep = {
      command: ['sh', '-c', `echo cannot resolve left-pad >&2; exit 7 # ${nonce}`],
      lockfiles: [],
    };
    const error = await sandbox.open({ sourceDir: source.dir, setup: failing }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/exited with 7: cannot resolve left-pad/);
    expect((error as Error).message).not.toContain('\n');
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`afterburner.run=${runId}`] },
    });
    expect(containers.filter((c) => c.Labels['afterburner.role'] === 'setup')).toEqual([]);
  });

  it('uses the image configured for a workspace language, pinned to the last core', async () => {
    const workspace = (await sandbox.open({ sourceDir: source.dir, language: 'python' })) as Workspace & {
      container: Docker.Container;
    };
    workspaces.push(workspace);
    const info = await workspace.container.inspect();
    expect(info.Config.Image).toBe(pythonAlias);
    const { NCPU } = await docker.info();
    expect(info.HostConfig.CpusetCpus).toBe(String(NCPU - 1));
    expect(info.HostConfig.NanoCpus).toBe(1e9);
    const javascript = (await sandbox.open({
      sourceDir: source.dir,
      language: 'javascript',
    })) as typeof workspace;
    workspaces.push(javascript);
    expect((await javascript.container.inspect()).Config.Image).toBe(dockerTestImage);
  });

  it('reaps containers left by a crashed run when connecting', async () => {
    const stale = await docker.createContainer({
      Image: dockerTestImage,
      Cmd: ['true'],
      Labels: { afterburner: '1', 'afterburner.run': `${runId}-crashed` },
      HostConfig: { NetworkMode: 'none' },
    });
    await stale.start();
    await stale.wait();
    const fresh = await DockerSandbox.connect({ image: dockerTestImage, runId: `${runId}-fresh` });
    await fresh.close();
    expect(fresh.reaped).toBeGreaterThanOrEqual(1);
    await expect(stale.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});

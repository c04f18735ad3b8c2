import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AfterburnerError } from '../../src/errors.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';

const runId = `test-create-${process.pid}`;
const withDocker = await dockerAvailable();

describe('createSandbox', () => {
  const savedDockerHost = process.env.DOCKER_HOST;
  let sandbox: Sandbox | undefined;

  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
    if (savedDockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = savedDockerHost;
  });

  it('returns the process sandbox when asked', async () => {
    sandbox = await createSandbox({ mode: 'process', image: dockerTestImage, runId });
    expect(sandbox).toMatchObject({ kind: 'process', isolated: false });
  });

  it('fails with sandbox-unavailable when the daemon does not answer in docker mode', async () => {
    process.env.DOCKER_HOST = 'tcp://127.0.0.1:1';
    const error = await createSandbox({ mode: 'docker', image: dockerTestImage, runId }).catch((e) => e);
    expect(error).toBeInstanceOf(AfterburnerError);
    expect(error).toMatchObject({ kind: 'sandbox-unavailable', exitCode: 3 });
    expect(error.message).toContain('tcp://127.0.0.1:1');
    expect(error.message).not.toContain('\n');
  });

  it('gives up quickly on a daemon that accepts connections but never answers', async () => {
    const server = net.createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    process.env.DOCKER_HOST = `tcp://127.0.0.1:${port}`;
    try {
      // Without its own connect timeout this would wait forever (the test's timeout would fail it).
      const error = await createSandbox({ mode: 'docker', image: dockerTestImage, runId }).catch((e) => e);
      expect(error).toMatchObject({ kind: 'sandbox-unavailable' });
    } finally {
      server.close();
    }
  });

  it('falls back to processes with a notice in auto mode when the daemon does not answer', async () => {
    process.env.DOCKER_HOST = 'tcp://127.0.0.1:1';
    const notices: string[] = [];
    sandbox = await createSandbox({
      mode: 'auto',
      image: dockerTestImage,
      runId,
      onNotice: (l) => notices.push(l),
    });
    expect(sandbox.kind).toBe('process');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/NOT isolated/);
  });

  it('does not fall back in auto mode when told not to, and says what to do instead', async () => {
    process.env.DOCKER_HOST = 'tcp://127.0.0.1:1';
    const notices: string[] = [];
    const error = await createSandbox({
      mode: 'auto',
      image: dockerTestImage,
      runId,
      onNotice: (l) => notices.push(l),
      refuseProcessFallback: 'set sandbox to process to accept that',
    }).catch((e) => e);
    expect(error).toMatchObject({ kind: 'sandbox-unavailable' });
    expect(error.message).toMatch(
      /^Docker sandbox unavailable: .*tcp:\/\/127\.0\.0\.1:1.*; set sandbox to process/,
    );
    expect(notices).toEqual([]);
  });

  describe.skipIf(!withDocker)('with a daemon', () => {
    it('uses docker in auto mode when the image is present', async () => {
      const notices: string[] = [];
      sandbox = await createSandbox({
        mode: 'auto',
        image: dockerTestImage,
        runId,
        onNotice: (l) => notices.push(l),
      });
      expect(sandbox).toMatchObject({ kind: 'docker', isolated: true });
      expect(sandbox.description).toContain(dockerTestImage);
      expect(notices).toEqual([]);
    });

    it('falls back with a notice in auto mode when the image cannot be had', async () => {
      const notices: string[] = [];
      const image = 'afterburner-test/does-not-exist:never';
      sandbox = await createSandbox({ mode: 'auto', image, runId, onNotice: (l) => notices.push(l) });
      expect(sandbox.kind).toBe('process');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain(image);
      expect(notices[0]).toMatch(/NOT isolated/);
    });
  });
});

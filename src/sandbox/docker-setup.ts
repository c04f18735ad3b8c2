import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import { containerLabels } from './docker-cleanup.js';
import { describeDockerError } from './docker-images.js';
import { putTar, removeContainer, sandboxUser } from './docker-workspace.js';
import { outputTail, SetupFailedError } from './setup-error.js';
import type { SandboxLimits, SetupStep } from './types.js';

export const setupLabelKey = 'afterburner.setup';
const snapshotRepository = 'afterburner-setup';

export interface SnapshotOptions {
  docker: Docker;
  image: string;
  setup: SetupStep;
  sourceDir: string;
  /** Who the run reviews; part of the key, so that no repository starts from another's installed files. */
  repository?: string;
  runId: string;
  limits: SandboxLimits;
  /** The source as a tar stream whose entries are rooted at `work/`. */
  packSource: () => Parameters<typeof putTar>[1];
}

export interface Snapshot {
  image: string;
  /** True when an earlier run (or workspace) already built it. */
  reused: boolean;
}

/**
 * Same repository, same base image (by id, not name), same command and same lockfile contents: same installed
 * dependencies. The setup runs the pull request's own install scripts, so what it leaves is trusted only as far
 * as that repository is.
 */
export async function setupKey(
  options: Pick<SnapshotOptions, 'docker' | 'image' | 'setup' | 'sourceDir' | 'repository'>,
) {
  const { Id } = await options.docker.getImage(options.image).inspect();
  const hash = createHash('sha256')
    .update(`${JSON.stringify(options.repository ?? '')}\0`)
    .update(`${Id}\0${JSON.stringify(options.setup.command)}\0`);
  for (const file of [...options.setup.lockfiles].sort()) {
    const content = await readFile(path.join(options.sourceDir, file)).catch(() => Buffer.alloc(0));
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

/**
 * Runs the setup step once, with network, in a throw-away container and commits the result to an image that
 * evaluation containers (network-less) start from. The image is tagged and labelled with the key, so later
 * runs with the same image and lockfiles reuse it instead of installing again.
 */
export async function setupSnapshot(options: SnapshotOptions): Promise<Snapshot> {
  const { docker, setup, limits } = options;
  const key = await setupKey(options);
  const tag = key.slice(0, 24);
  const image = `${snapshotRepository}:${tag}`;
  try {
    const existing = await docker.getImage(image).inspect();
    if (existing.Config?.Labels?.[setupLabelKey] === key) return { image, reused: true };
  } catch {
    // Not built yet.
  }
  const timeoutSeconds = ((setup.timeoutMs ?? 600_000) / 1000).toFixed(3);
  const container = await docker.createContainer({
    Image: options.image,
    Cmd: ['timeout', '-s', 'KILL', timeoutSeconds, ...setup.command],
    Entrypoint: [],
    User: sandboxUser,
    WorkingDir: '/work',
    Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/tmp', 'LANG=C.UTF-8', 'TMPDIR=/tmp', 'CI=true'],
    Labels: { ...containerLabels(options.runId), 'afterburner.role': 'setup' },
    // The one container with network: package registries. It never sees candidate code, only the PR's tree.
    HostConfig: {
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      PidsLimit: limits.pids,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
    },
  });
  try {
    await putTar(container, options.packSource(), '/');
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (StatusCode !== 0) {
      const logs = (await container.logs({ stdout: true, stderr: true, tail: 20 })) as unknown as Buffer;
      const how = StatusCode === 137 ? 'was killed (time limit or memory)' : `exited with ${StatusCode}`;
      throw new SetupFailedError(setup.command.join(' '), how, outputTail(demuxedText(logs)));
    }
    await container.commit({
      repo: snapshotRepository,
      tag,
      comment: `afterburner setup: ${setup.command.join(' ')}`,
      changes: [`LABEL ${setupLabelKey}=${key}`],
    });
    return { image, reused: false };
  } catch (error) {
    if (error instanceof SetupFailedError) throw error;
    throw new Error(`setup step failed: ${describeDockerError(error)}`);
  } finally {
    await removeContainer(container).catch(() => {});
  }
}

/** `docker logs` of a non-TTY container: 8-byte frame headers before each chunk. */
function demuxedText(buffer: Buffer): string {
  const parts: Buffer[] = [];
  for (let offset = 0; offset + 8 <= buffer.length; ) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

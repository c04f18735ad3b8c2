import path from 'node:path';
import Docker from 'dockerode';
import tarFs from 'tar-fs';
import { labelKey, runLabelKey, trackRun, untrackRun } from './docker-cleanup.js';
import { DockerWorkspace, putTar, sandboxUid, sandboxUser } from './docker-workspace.js';
import {
  defaultLimits,
  type OpenWorkspaceOptions,
  type Sandbox,
  type SandboxLimits,
  type Workspace,
} from './types.js';

export interface DockerSandboxOptions {
  image: string;
  limits?: Partial<SandboxLimits>;
  /** Recorded on every container so that an interrupted run's leftovers can be removed. */
  runId: string;
  /** Defaults to `new Docker()`, which honours DOCKER_HOST. */
  docker?: Docker;
  pingTimeoutMs?: number;
  pullTimeoutMs?: number;
}

/** Keeps the container alive and, as PID 1, reaps orphans; `kill -9 -1` from inside cannot kill it. */
const keepAlive = 'trap "exit 0" TERM; while :; do sleep 3600 & wait; done';

export class DockerSandbox implements Sandbox {
  readonly kind = 'docker';
  readonly isolated = true;
  readonly description: string;
  readonly limits: SandboxLimits;
  private readonly open_ = new Set<DockerWorkspace>();

  private constructor(
    readonly docker: Docker,
    readonly image: string,
    readonly runId: string,
    limits: Partial<SandboxLimits> = {},
  ) {
    this.limits = { ...defaultLimits, ...limits };
    const mib = Math.round(this.limits.memoryBytes / 2 ** 20);
    this.description = `docker (image ${image}, network off, ${this.limits.cpus} CPU, ${mib} MiB memory)`;
  }

  /** Checks that the daemon answers and the image is present (pulling it if needed); throws a one-line Error. */
  static async connect(options: DockerSandboxOptions): Promise<DockerSandbox> {
    const docker = options.docker ?? new Docker();
    const where = process.env.DOCKER_HOST ?? 'the default socket';
    try {
      await withTimeout(options.pingTimeoutMs ?? 2_000, (signal) => ping(docker, signal));
    } catch (error) {
      throw new Error(`the Docker daemon at ${where} does not answer: ${describe(error)}`);
    }
    await ensureImage(docker, options.image, options.pullTimeoutMs ?? 60_000);
    return new DockerSandbox(docker, options.image, options.runId, options.limits);
  }

  async open(options: OpenWorkspaceOptions): Promise<Workspace> {
    trackRun(this.docker, this.runId);
    const { memoryBytes, cpus, pids } = this.limits;
    const container = await this.docker.createContainer({
      Image: this.image,
      Cmd: ['sh', '-c', keepAlive],
      User: sandboxUser,
      WorkingDir: '/work',
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/tmp', 'LANG=C.UTF-8', 'TMPDIR=/tmp'],
      Labels: { ...options.labels, [labelKey]: '1', [runLabelKey]: this.runId },
      NetworkDisabled: true,
      // Docker's archive API cannot write into a tmpfs or a read-only root, so the workspace is an anonymous volume.
      Volumes: { '/work': {} },
      HostConfig: {
        NetworkMode: 'none',
        Memory: memoryBytes,
        MemorySwap: memoryBytes,
        NanoCpus: Math.round(cpus * 1e9),
        PidsLimit: pids,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${Math.max(64, Math.round(memoryBytes / 2 ** 21))}m` },
        AutoRemove: false,
      },
    });
    const workspace = new DockerWorkspace(this.docker, container, this.limits, (w) => this.open_.delete(w));
    this.open_.add(workspace);
    try {
      await container.start();
      await putTar(container, packSource(options.sourceDir), '/work');
    } catch (error) {
      await workspace.dispose().catch(() => {});
      throw error;
    }
    return workspace;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.open_].map((w) => w.dispose()));
    untrackRun(this.runId);
  }
}

/** The source tree as a tar stream owned by the sandbox user; its `.` entry also hands /work itself over. */
function packSource(sourceDir: string) {
  return tarFs.pack(sourceDir, {
    ignore: (name) => name.split(path.sep).includes('.git'),
    map: (header) => ({ ...header, uid: sandboxUid, gid: sandboxUid, uname: '', gname: '' }),
  });
}

async function ensureImage(docker: Docker, image: string, pullTimeoutMs: number): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) {
      throw new Error(`cannot inspect image ${image}: ${describe(error)}`);
    }
  }
  try {
    await withTimeout(pullTimeoutMs, (signal) => pull(docker, image, signal));
  } catch (error) {
    throw new Error(`image ${image} is not present and cannot be pulled: ${describe(error)}`);
  }
}

function ping(docker: Docker, abortSignal: AbortSignal): Promise<unknown> {
  // The typings omit ping's options; docker-modem honours `abortSignal`.
  return (docker.ping as (opts: { abortSignal: AbortSignal }) => Promise<unknown>).call(docker, {
    abortSignal,
  });
}

async function pull(docker: Docker, image: string, abortSignal: AbortSignal): Promise<void> {
  const stream = await docker.pull(image, { abortSignal });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, events: { error?: string }[]) => {
      const failed = error ?? events.find((e) => e.error);
      if (failed) reject(failed instanceof Error ? failed : new Error(failed.error));
      else resolve();
    });
  });
}

async function withTimeout<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // dockerode prefixes daemon errors with `(HTTP code 500) server error - `.
  const line = message.split('\n')[0]?.replace(/^\(HTTP code \d+\)[^-]*- /, '');
  return line?.trim() || 'unknown error';
}

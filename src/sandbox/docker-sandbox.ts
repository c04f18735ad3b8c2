import path from 'node:path';
import Docker from 'dockerode';
import tarFs from 'tar-fs';
import { findContainerCgroup } from './cgroup-probe.js';
import { containerLabels, reapStaleContainers, trackRun, untrackRun } from './docker-cleanup.js';
import { describeDockerError, ensureImage, type PullProgress, withTimeout } from './docker-images.js';
import { type Snapshot, setupKey, setupSnapshot } from './docker-setup.js';
import { DockerWorkspace, putTar, sandboxUid, sandboxUser } from './docker-workspace.js';
import { OutsideLinks } from './outside-links.js';
import { SetupFailedError } from './setup-error.js';
import {
  defaultLimits,
  type OpenWorkspaceOptions,
  type Sandbox,
  type SandboxLanguage,
  type SandboxLimits,
  type Workspace,
} from './types.js';

/** An image the run will need, with what needs it and where the user sets it (for the error when it is missing). */
export interface RequiredImage {
  image: string;
  /** e.g. `Python targets`. */
  use: string;
  /** e.g. `--python-image or $AFTERBURNER_PYTHON_IMAGE`. */
  setting: string;
}

export interface DockerSandboxOptions {
  /** Default image: used when a workspace names neither an image nor a language with an image. */
  image: string;
  /**
   * The images checked (pulled if absent) when connecting, and named in the description; default `image`. Others
   * are checked when a workspace first needs them, so a run that needs only a Python image does not need `image`.
   */
  required?: RequiredImage[];
  /** Image per language (config/run-config.ts imageFor), so one run can evaluate JavaScript and Python targets. */
  images?: Partial<Record<SandboxLanguage, string>>;
  limits?: Partial<SandboxLimits>;
  /** Recorded on every container so that an interrupted run's leftovers can be removed. */
  runId: string;
  /** Defaults to `new Docker()`, which honours DOCKER_HOST. */
  docker?: Docker;
  pingTimeoutMs?: number;
  pullTimeoutMs?: number;
  onPullProgress?: (progress: PullProgress) => void;
  /**
   * CPUs the containers are pinned to, in Docker's `--cpuset-cpus` syntax. Default: the engine's last
   * `ceil(cpus)` cores (cores 0.. take most interrupts and housekeeping); `false` to not pin.
   */
  cpuset?: string | false;
  /**
   * Containers whose own user is root with SETUID and SETGID only (every other capability dropped), so that a root
   * exec (afterburner serve's resident loop) can start programs as the sandbox user, which then holds no capability
   * and cannot touch the root process. Docker gives a root exec capabilities only when the container's user is root.
   * Other execs still run as the sandbox user.
   */
  supervisor?: boolean;
  /** Remove containers left by crashed runs when connecting (default true). */
  reap?: boolean;
  /** Who the run reviews (e.g. `owner/name`, a remote URL or a path): setup snapshots are kept per repository. */
  repository?: string;
}

/** Keeps the container alive and, as PID 1, reaps orphans; `kill -9 -1` from inside cannot kill it. */
const keepAlive = 'trap "exit 0" TERM; while :; do sleep 3600 & wait; done';

export class DockerSandbox implements Sandbox {
  readonly kind = 'docker';
  readonly isolated = true;
  readonly description: string;
  readonly limits: SandboxLimits;
  /** Containers removed by the reaper when this sandbox connected. */
  reaped = 0;
  private readonly open_ = new Set<DockerWorkspace>();
  private readonly images = new Map<string, Promise<void>>();
  private readonly snapshots = new Map<string, Promise<Snapshot>>();

  private constructor(
    readonly docker: Docker,
    readonly image: string,
    readonly runId: string,
    private readonly options: DockerSandboxOptions,
    readonly cpuset: string | undefined,
  ) {
    this.limits = { ...defaultLimits, ...options.limits };
    const mib = Math.round(this.limits.memoryBytes / 2 ** 20);
    const pinned = cpuset === undefined ? '' : ` pinned to CPU ${cpuset}`;
    const images = describeImages(options.required ?? [{ image, use: '', setting: '' }]);
    this.description = `docker (${images}, network off, ${this.limits.cpus} CPU${pinned}, ${mib} MiB memory)`;
    for (const required of options.required ?? [{ image }])
      this.images.set(required.image, Promise.resolve());
  }

  /** Checks that the daemon answers and the image is present (pulling it if needed); throws a one-line Error. */
  static async connect(options: DockerSandboxOptions): Promise<DockerSandbox> {
    const docker = options.docker ?? new Docker();
    const where = process.env.DOCKER_HOST ?? 'the default socket';
    try {
      await withTimeout(options.pingTimeoutMs ?? 2_000, (signal) => ping(docker, signal));
    } catch (error) {
      throw new Error(`the Docker daemon at ${where} does not answer: ${describeDockerError(error)}`);
    }
    const reaped = options.reap === false ? 0 : await reapStaleContainers(docker).catch(() => 0);
    const cpus = { ...defaultLimits, ...options.limits }.cpus;
    const cpuset = options.cpuset === false ? undefined : (options.cpuset ?? (await lastCores(docker, cpus)));
    for (const required of options.required ?? [{ image: options.image, use: '', setting: '' }]) {
      try {
        await ensureImage({
          docker,
          image: required.image,
          pullTimeoutMs: options.pullTimeoutMs ?? 600_000,
          onPullProgress: options.onPullProgress,
        });
      } catch (error) {
        if (!required.use) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`${message} (the image for ${required.use}; set it with ${required.setting})`);
      }
    }
    const sandbox = new DockerSandbox(docker, options.image, options.runId, options, cpuset);
    sandbox.reaped = reaped;
    return sandbox;
  }

  /** One container per workspace, kept warm: every candidate of a target is one `exec` in it. */
  async open(options: OpenWorkspaceOptions): Promise<Workspace> {
    trackRun(this.docker, this.runId);
    const baseImage =
      options.image ?? (options.language && this.options.images?.[options.language]) ?? this.image;
    await this.ensureImage(baseImage);
    const image = options.setup ? (await this.snapshot(baseImage, options)).image : baseImage;
    const { memoryBytes, cpus, pids } = this.limits;
    const container = await this.docker.createContainer({
      Image: image,
      Cmd: ['sh', '-c', keepAlive],
      Entrypoint: [],
      User: this.options.supervisor ? '0:0' : sandboxUser,
      WorkingDir: '/work',
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/tmp', 'LANG=C.UTF-8', 'TMPDIR=/tmp'],
      // Explicit role: a snapshot image carries the setup container's labels, and containers inherit them.
      Labels: { ...options.labels, ...containerLabels(this.runId), 'afterburner.role': 'workspace' },
      // Not NetworkDisabled: that also drops /etc/hosts, and test runners (vitest) resolve `localhost` at start.
      // NetworkMode 'none' below leaves only the loopback interface.
      // Docker's archive API cannot write into a tmpfs or a read-only root, so the workspace is an anonymous
      // volume (filled from the snapshot's /work, when there is one).
      Volumes: { '/work': {} },
      HostConfig: {
        NetworkMode: 'none',
        Memory: memoryBytes,
        MemorySwap: memoryBytes,
        NanoCpus: Math.round(cpus * 1e9),
        ...(this.cpuset === undefined ? {} : { CpusetCpus: this.cpuset }),
        PidsLimit: pids,
        CapDrop: ['ALL'],
        ...(this.options.supervisor ? { CapAdd: ['SETUID', 'SETGID'] } : {}),
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
      workspace.cgroup = findContainerCgroup(container.id);
      await openWorkDir(container);
      const links = new OutsideLinks(options.sourceDir);
      await putTar(container, packSource(options.sourceDir, links), '/work');
      const notice = links.notice();
      if (notice) options.onNotice?.(notice);
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

  private ensureImage(image: string): Promise<void> {
    let ready = this.images.get(image);
    if (!ready) {
      ready = ensureImage({
        docker: this.docker,
        image,
        pullTimeoutMs: this.options.pullTimeoutMs ?? 600_000,
        onPullProgress: this.options.onPullProgress,
      });
      this.images.set(image, ready);
      ready.catch(() => this.images.delete(image));
    }
    return ready;
  }

  private async snapshot(image: string, options: OpenWorkspaceOptions): Promise<Snapshot> {
    const setup = options.setup as NonNullable<OpenWorkspaceOptions['setup']>;
    const { repository } = this.options;
    const key = await setupKey({
      docker: this.docker,
      image,
      setup,
      sourceDir: options.sourceDir,
      repository,
    });
    let snapshot = this.snapshots.get(key);
    if (!snapshot) {
      snapshot = setupSnapshot({
        docker: this.docker,
        image,
        setup,
        sourceDir: options.sourceDir,
        repository,
        runId: this.runId,
        limits: this.limits,
        packSource: () => packSource(options.sourceDir, new OutsideLinks(options.sourceDir), 'work'),
      });
      this.snapshots.set(key, snapshot);
      // A failed setup command fails again for the same key; anything else (the engine, the copy) may not.
      snapshot.catch((error) => {
        if (!(error instanceof SetupFailedError)) this.snapshots.delete(key);
      });
    }
    return snapshot;
  }
}

/** `image X` for one image, `images X (JavaScript), Y (Python)` for several. */
function describeImages(required: RequiredImage[]): string {
  const byImage = new Map<string, string[]>();
  for (const { image, use } of required)
    byImage.set(image, [...(byImage.get(image) ?? []), ...(use ? [use] : [])]);
  if (byImage.size === 1) return `image ${[...byImage.keys()][0]}`;
  const list = [...byImage].map(([image, uses]) =>
    uses.length > 0 ? `${image} for ${uses.join(', ')}` : image,
  );
  return `images ${list.join('; ')}`;
}

/**
 * The source tree as a tar stream owned by the sandbox user; its `.` entry also hands the directory over. Symlinks
 * out of the tree are left out (into `links`): the engine would refuse the whole archive for one of them.
 */
function packSource(sourceDir: string, links: OutsideLinks, prefix?: string) {
  return tarFs.pack(sourceDir, {
    ignore: (name) => name.split(path.sep).includes('.git') || links.skip(name),
    map: (header) => ({
      ...header,
      name: prefix ? path.posix.join(prefix, header.name) : header.name,
      uid: sandboxUid,
      gid: sandboxUid,
      uname: '',
      gname: '',
    }),
  });
}

/**
 * The engine creates the volume's root owned by root, and the archive API does not hand it over, so the tests
 * could not create anything at the top of the work tree (`.nyc_output`, caches). Its owner opens it: chmod needs
 * no capability, and this fixed command runs before anything untrusted does.
 */
async function openWorkDir(container: Docker.Container): Promise<void> {
  const exec = await container.exec({
    // A setup snapshot's /work already belongs to the sandbox user (and root may not chmod it without CAP_FOWNER).
    Cmd: ['find', '/work', '-maxdepth', '0', '-user', '0', '-exec', 'chmod', '1777', '{}', '+'],
    User: '0:0',
    // Not /work: root may be unable to enter a snapshot's /work, and find returns to where it started.
    WorkingDir: '/',
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-2000);
    });
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0 && ExitCode !== null) {
    // The attached stream is multiplexed: drop its frame headers' control bytes.
    const text = output.replace(/[\u0000-\u0008\u000e-\u001f]/g, '').trim();
    throw new Error(`could not open the work tree to the sandbox user (exit ${ExitCode}): ${text}`);
  }
}

/** The engine's last `ceil(cpus)` cores, e.g. "1" on a two-core machine with one CPU per container. */
async function lastCores(docker: Docker, cpus: number): Promise<string | undefined> {
  try {
    const { NCPU } = (await docker.info()) as { NCPU?: number };
    if (!NCPU) return undefined;
    const count = Math.min(NCPU, Math.max(1, Math.ceil(cpus)));
    return count === 1 ? String(NCPU - 1) : `${NCPU - count}-${NCPU - 1}`;
  } catch {
    return undefined;
  }
}

function ping(docker: Docker, abortSignal: AbortSignal): Promise<unknown> {
  // The typings omit ping's options; docker-modem honours `abortSignal`.
  return (docker.ping as (opts: { abortSignal: AbortSignal }) => Promise<unknown>).call(docker, {
    abortSignal,
  });
}

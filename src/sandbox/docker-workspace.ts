import path from 'node:path';
import type Docker from 'dockerode';
import tarStream from 'tar-stream';
import { CappedOutput } from './capped-output.js';
import { type CgroupFiles, CgroupMeasurement } from './cgroup-probe.js';
import type { ExecOptions, ExecOutcome, ExecResult, SandboxLimits, Workspace } from './types.js';

export const sandboxUser = '65534:65534';
export const sandboxUid = 65534;

const afterwardsKillAll =
  'seconds=$1; shift; timeout -s KILL "$seconds" "$@"; status=$?; kill -9 -1 2>/dev/null; exit $status';

/** Time the host waits past the in-container `timeout` before it kills the command itself. */
const backstopGraceMs = 2_000;
/** Time after the host-side kill before the exec stream is abandoned. */
const abandonGraceMs = 3_000;

export class DockerWorkspace implements Workspace {
  readonly root = '/work';
  private tail: Promise<unknown> = Promise.resolve();
  private oomKills = 0;
  private disposed = false;
  /** The container's cgroup on this machine; undefined for a remote daemon (no resource figures then). */
  cgroup: CgroupFiles | undefined;

  constructor(
    private readonly docker: Docker,
    readonly container: Docker.Container,
    private readonly limits: SandboxLimits,
    private readonly onDispose: (workspace: DockerWorkspace) => void,
  ) {}

  async writeFile(file: string, content: string): Promise<void> {
    const name = path.posix.normalize(file);
    if (path.posix.isAbsolute(name) || name.startsWith('../') || name === '..') {
      throw new Error(`writeFile: ${file} is outside the workspace`);
    }
    const pack = tarStream.pack();
    const data = Buffer.from(content, 'utf8');
    const parts = name.split('/');
    // Parent directories must be in the archive too, owned by the sandbox user, or later writes there fail.
    for (let i = 1; i < parts.length; i++) {
      pack.entry({ name: `${parts.slice(0, i).join('/')}/`, type: 'directory', mode: 0o755, ...owner });
    }
    pack.entry({ name, mode: 0o644, size: data.length, ...owner }, data);
    pack.finalize();
    await putTar(this.container, pack, this.root);
  }

  /** Commands run one at a time per workspace: the kill on timeout or output overflow targets every process. */
  exec(command: string[], options: ExecOptions): Promise<ExecResult> {
    const run = this.tail.then(() => this.execNow(command, options));
    this.tail = run.catch(() => {});
    return run;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose(this);
    await removeContainer(this.container);
  }

  private async execNow(command: string[], options: ExecOptions): Promise<ExecResult> {
    if (this.disposed) throw new Error('exec on a disposed workspace');
    if (command.length === 0) throw new Error('exec: empty command');
    const started = performance.now();
    let killed: Promise<void> | undefined;
    const killAll = () => {
      killed ??= this.killAll();
    };
    const stdout = new CappedOutput(this.limits.outputBytes, killAll);
    const stderr = new CappedOutput(this.limits.outputBytes, killAll);
    const workingDir = path.posix.resolve(this.root, options.cwd ?? '.');
    if (workingDir !== this.root && !workingDir.startsWith(`${this.root}/`)) {
      throw new Error(`exec: cwd ${options.cwd} is outside the workspace`);
    }
    const seconds = (Math.max(1, options.timeoutMs) / 1000).toFixed(3);
    const exec = await this.container.exec({
      // `timeout` signals its whole process group; the host-side timer below is only a backstop. Afterwards
      // `kill -9 -1` ends whatever the command left running (even outside its group) so that nothing
      // outlives it into the next candidate's measurement; it spares PID 1 and the shell itself.
      Cmd: ['sh', '-c', afterwardsKillAll, 'sandbox', seconds, ...command],
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      User: sandboxUser,
      WorkingDir: workingDir,
      Env: Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value}`),
    });
    const measurement = this.cgroup ? new CgroupMeasurement(this.cgroup) : undefined;
    const stream = await exec.start({ hijack: true, stdin: false });
    let hostTimedOut = false;
    let abandonTimer: NodeJS.Timeout | undefined;
    const backstop = setTimeout(() => {
      hostTimedOut = true;
      killAll();
      abandonTimer = setTimeout(() => stream.destroy(), abandonGraceMs);
    }, options.timeoutMs + backstopGraceMs);
    try {
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.demuxStream(stream, stdout.writable(), stderr.writable());
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', (error) => (hostTimedOut ? resolve() : reject(error)));
      });
    } finally {
      clearTimeout(backstop);
      clearTimeout(abandonTimer);
    }
    const resources = measurement?.finish();
    await killed;
    const durationMs = performance.now() - started;
    const exitCode = await exitCodeOf(exec);
    const outcome = await this.classify(exitCode, durationMs, options.timeoutMs, hostTimedOut, killed);
    return {
      outcome,
      exitCode,
      stdout: stdout.text(),
      stderr: stderr.text(),
      durationMs,
      truncated: stdout.truncated || stderr.truncated,
      ...(resources ? { resources } : {}),
    };
  }

  private async classify(
    exitCode: number | null,
    durationMs: number,
    timeoutMs: number,
    hostTimedOut: boolean,
    killed: Promise<void> | undefined,
  ): Promise<ExecOutcome> {
    if (hostTimedOut) return 'timeout';
    if (exitCode === 137 && (await this.sawNewOomKill())) return 'oom';
    // `timeout -s KILL` exits 137, like any SIGKILLed command; the elapsed time tells them apart.
    if (exitCode === 137 && durationMs >= timeoutMs) return 'timeout';
    if (killed) return 'output-limit';
    if (exitCode === 0) return 'ok';
    if (exitCode === null || (exitCode > 128 && exitCode < 160)) return 'crashed';
    return 'failed';
  }

  /** Reads the cgroup's OOM-kill counter (v1 `memory.oom_control`, v2 `memory.events`). */
  private async sawNewOomKill(): Promise<boolean> {
    const files = '/sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events';
    const { stdout } = await this.run(['sh', '-c', `cat ${files} 2>/dev/null`]);
    const match = /^oom_kill (\d+)$/m.exec(stdout);
    if (match?.[1] !== undefined) {
      const count = Number(match[1]);
      const seen = count > this.oomKills;
      this.oomKills = count;
      return seen;
    }
    return Boolean((await this.container.inspect()).State.OOMKilled);
  }

  /** Kills every process of the sandbox user; PID 1 of the container is immune to signals sent from inside. */
  private async killAll(): Promise<void> {
    await this.run(['sh', '-c', 'kill -9 -1']).catch(() => {});
  }

  private async run(cmd: string[]): Promise<{ stdout: string }> {
    const exec = await this.container.exec({
      Cmd: cmd,
      AttachStdout: true,
      AttachStderr: true,
      User: sandboxUser,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = new CappedOutput(64 * 1024);
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.demuxStream(stream, out.writable(), new CappedOutput(0).writable());
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    return { stdout: out.text() };
  }
}

/** The exec's stream can end a moment before the daemon records the exit code. */
async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  for (let attempt = 0; ; attempt++) {
    const info = await exec.inspect();
    if (!info.Running || attempt >= 40) return info.Running ? null : (info.ExitCode ?? null);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const owner = { uid: sandboxUid, gid: sandboxUid, uname: '', gname: '' };

/** Extracts a tar stream (tar-stream/streamx) into `dir`; a failing source rejects instead of hanging the upload. */
export async function putTar(
  container: Docker.Container,
  tar: { pipe: unknown; once(event: 'error', listener: (error: Error) => void): unknown },
  dir: string,
): Promise<void> {
  const failed = new Promise<never>((_, reject) => tar.once('error', reject));
  await Promise.race([container.putArchive(tar as unknown as NodeJS.ReadableStream, { path: dir }), failed]);
}

export async function removeContainer(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    // 404: already gone; 409: a removal is already in progress.
    if (status !== 404 && status !== 409) throw error;
  }
}

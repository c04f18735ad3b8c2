import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CappedOutput } from './capped-output.js';
import { OutsideLinks } from './outside-links.js';
import { execMarkerName, ProcMeasurement } from './proc-probe.js';
import { scrubEnv } from './scrub-env.js';
import { outputTail, SetupFailedError } from './setup-error.js';
import {
  defaultLimits,
  type ExecOptions,
  type ExecOutcome,
  type ExecResult,
  type OpenWorkspaceOptions,
  type Sandbox,
  type SandboxLimits,
  type Workspace,
} from './types.js';

export interface ProcessSandboxOptions {
  /**
   * `outputBytes` is enforced; `memoryBytes` per process as RLIMIT_DATA (via util-linux `prlimit`) and for the
   * whole process group by sampling its RSS every 10 ms; `cpus` and `pids` are not (see `limitsEnforced`).
   */
  limits?: Partial<SandboxLimits>;
  /** Where workspace copies go (default: the system's temp directory), e.g. the run's directory. */
  tempParent?: string;
}

/**
 * RLIMIT_AS would be the obvious memory limit, but V8 reserves far more address space than it uses (a 1 GiB
 * RLIMIT_AS stops WebAssembly from instantiating); RLIMIT_DATA bounds the JavaScript heap, Buffers and Python
 * objects without that. RLIMIT_NPROC does not bind root (CAP_SYS_RESOURCE), and we often run as root in CI,
 * so the process sandbox has no process limit: a fork bomb is out of its reach.
 */
const prlimitPath = ['/usr/bin/prlimit', '/bin/prlimit'].find((file) => existsSync(file));

/** What allocators print when RLIMIT_DATA refuses memory (V8, Python, glibc). */
const outOfMemory =
  /JavaScript heap out of memory|Array buffer allocation failed|Fatal process out of memory|MemoryError|Cannot allocate memory|std::bad_alloc/;

/** Runs commands as child processes of this one, in a temporary copy of the repository. Not a security boundary. */
export class ProcessSandbox implements Sandbox {
  readonly kind = 'process';
  readonly isolated = false;
  readonly description = "process (NOT isolated: candidate code runs with your user's privileges)";
  readonly limits: SandboxLimits;
  /** Which limits this machine lets the process sandbox enforce. */
  readonly limitsEnforced = {
    output: true,
    memoryPerProcess: prlimitPath !== undefined,
    memoryOfGroup: process.platform === 'linux',
    pids: false,
    cpus: false,
  };
  private readonly open_ = new Set<ProcessWorkspace>();
  /** Setups that failed, by source and command: the same setup fails again, so it is not run again. */
  private readonly failedSetups = new Map<string, SetupFailedError>();

  constructor(private readonly options: ProcessSandboxOptions = {}) {
    this.limits = { ...defaultLimits, ...options.limits };
  }

  async open(options: OpenWorkspaceOptions): Promise<Workspace> {
    const root = await fs.mkdtemp(path.join(this.options.tempParent ?? os.tmpdir(), 'afterburner-ws-'));
    const links = new OutsideLinks(options.sourceDir);
    try {
      await fs.cp(options.sourceDir, root, {
        recursive: true,
        verbatimSymlinks: true,
        filter: (source) => path.basename(source) !== '.git' && !links.skip(source),
      });
      const notice = links.notice();
      if (notice) options.onNotice?.(notice);
    } catch (error) {
      await fs.rm(root, { recursive: true, force: true });
      throw error;
    }
    const workspace = new ProcessWorkspace(root, this.limits, (w) => this.open_.delete(w));
    this.open_.add(workspace);
    if (options.setup) {
      const key = JSON.stringify([options.sourceDir, options.setup.command]);
      try {
        const failed = this.failedSetups.get(key);
        if (failed) throw failed;
        // No snapshot here: the copy is private to this workspace and keeps whatever the setup installed.
        const setup = await workspace.exec(options.setup.command, {
          timeoutMs: options.setup.timeoutMs ?? 600_000,
        });
        if (setup.outcome !== 'ok') {
          const how =
            setup.outcome === 'failed' ? `exited with ${setup.exitCode}` : `ended: ${setup.outcome}`;
          const error = new SetupFailedError(
            options.setup.command.join(' '),
            how,
            outputTail(`${setup.stdout}\n${setup.stderr}`),
          );
          this.failedSetups.set(key, error);
          throw error;
        }
      } catch (error) {
        await workspace.dispose();
        throw error;
      }
    }
    return workspace;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.open_].map((w) => w.dispose()));
  }
}

let execCount = 0;

class ProcessWorkspace implements Workspace {
  private readonly running = new Set<ChildProcess>();
  private disposed = false;

  constructor(
    readonly root: string,
    private readonly limits: SandboxLimits,
    private readonly onDispose: (workspace: ProcessWorkspace) => void,
  ) {}

  async writeFile(file: string, content: string): Promise<void> {
    const target = this.resolve(file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content);
  }

  exec(command: string[], options: ExecOptions): Promise<ExecResult> {
    if (this.disposed) return Promise.reject(new Error('exec on a disposed workspace'));
    const [file, ...args] = command;
    if (file === undefined) return Promise.reject(new Error('exec: empty command'));
    const started = performance.now();
    const limited = prlimitPath
      ? [prlimitPath, `--data=${this.limits.memoryBytes}`, '--', file, ...args]
      : [file, ...args];
    return new Promise((resolve) => {
      let timedOut = false;
      let outputLimited = false;
      let memoryExceeded = false;
      // Detached: the child leads a new process group, so one kill reaches everything it started.
      const marker = `${process.pid}-${++execCount}-${Math.random().toString(36).slice(2)}`;
      const child = spawn(limited[0] as string, limited.slice(1), {
        cwd: this.resolve(options.cwd ?? '.'),
        env: { ...scrubEnv(process.env, options.env), [execMarkerName]: marker },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.running.add(child);
      let measurement: ProcMeasurement | undefined;
      const killGroup = () => {
        if (measurement) measurement.family.killAll();
        else if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // ESRCH: the group is already gone.
          }
        }
      };
      const overflow = () => {
        outputLimited = true;
        killGroup();
      };
      const stdout = new CappedOutput(this.limits.outputBytes, overflow);
      const stderr = new CappedOutput(this.limits.outputBytes, overflow);
      measurement =
        child.pid !== undefined && process.platform === 'linux'
          ? new ProcMeasurement(child.pid, marker, (bytes) => {
              if (bytes > this.limits.memoryBytes && !memoryExceeded) {
                memoryExceeded = true;
                killGroup();
              }
            })
          : undefined;
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, options.timeoutMs);
      // Background processes left behind would hold the pipes open (and outlive the candidate); the family
      // also catches those that left the process group while we were sampling.
      child.on('exit', () => {
        measurement?.family.rssBytes();
        killGroup();
      });
      const finish = (exitCode: number | null, outcome: ExecOutcome, error?: string) => {
        clearTimeout(timer);
        this.running.delete(child);
        const resources = measurement?.finish(measurement.stop());
        resolve({
          outcome,
          exitCode,
          stdout: stdout.text(),
          stderr: error ? `${stderr.text()}${error}\n` : stderr.text(),
          durationMs: performance.now() - started,
          truncated: stdout.truncated || stderr.truncated,
          ...(resources ? { resources } : {}),
        });
      };
      child.on('error', (error) => finish(127, 'failed', error.message));
      child.on('close', (code, signal) => {
        const exitCode = code ?? (signal ? 128 + os.constants.signals[signal] : null);
        const outcome = classify(code, signal, timedOut, outputLimited);
        const hitRlimit =
          (outcome === 'crashed' || outcome === 'failed') && outOfMemory.test(stderr.text().slice(-4096));
        finish(exitCode, memoryExceeded || hitRlimit ? 'oom' : outcome);
      });
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose(this);
    for (const child of this.running) {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }
    }
    await fs.rm(this.root, { recursive: true, force: true });
  }

  private resolve(relative: string): string {
    const target = path.resolve(this.root, relative);
    if (target !== this.root && !target.startsWith(this.root + path.sep)) {
      throw new Error(`${relative} is outside the workspace`);
    }
    return target;
  }
}

function classify(
  code: number | null,
  signal: NodeJS.Signals | null,
  timedOut: boolean,
  outputLimited: boolean,
): ExecOutcome {
  if (timedOut) return 'timeout';
  if (outputLimited) return 'output-limit';
  if (code === 0) return 'ok';
  // A kernel OOM kill looks like any other SIGKILL here; our own limits are reported as 'oom' by the caller.
  if (signal !== null || code === null) return 'crashed';
  return 'failed';
}

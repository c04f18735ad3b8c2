import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CappedOutput } from './capped-output.js';
import { scrubEnv } from './scrub-env.js';
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
  /** Only `outputBytes` is enforced; memory, CPU and process limits need the Docker sandbox. */
  limits?: Partial<SandboxLimits>;
}

/** Runs commands as child processes of this one, in a temporary copy of the repository. Not a security boundary. */
export class ProcessSandbox implements Sandbox {
  readonly kind = 'process';
  readonly isolated = false;
  readonly description = "process (NOT isolated: candidate code runs with your user's privileges)";
  readonly limits: SandboxLimits;
  private readonly open_ = new Set<ProcessWorkspace>();

  constructor(options: ProcessSandboxOptions = {}) {
    this.limits = { ...defaultLimits, ...options.limits };
  }

  async open(options: OpenWorkspaceOptions): Promise<Workspace> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'afterburner-ws-'));
    try {
      await fs.cp(options.sourceDir, root, {
        recursive: true,
        verbatimSymlinks: true,
        filter: (source) => path.basename(source) !== '.git',
      });
    } catch (error) {
      await fs.rm(root, { recursive: true, force: true });
      throw error;
    }
    const workspace = new ProcessWorkspace(root, this.limits.outputBytes, (w) => this.open_.delete(w));
    this.open_.add(workspace);
    return workspace;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.open_].map((w) => w.dispose()));
  }
}

class ProcessWorkspace implements Workspace {
  private readonly running = new Set<ChildProcess>();
  private disposed = false;

  constructor(
    readonly root: string,
    private readonly outputBytes: number,
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
    return new Promise((resolve) => {
      let timedOut = false;
      let outputLimited = false;
      // Detached: the child leads a new process group, so one kill reaches everything it started.
      const child = spawn(file, args, {
        cwd: this.resolve(options.cwd ?? '.'),
        env: scrubEnv(process.env, options.env),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.running.add(child);
      const killGroup = () => {
        if (child.pid !== undefined) {
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
      const stdout = new CappedOutput(this.outputBytes, overflow);
      const stderr = new CappedOutput(this.outputBytes, overflow);
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, options.timeoutMs);
      // Background processes left behind would hold the pipes open (and outlive the candidate).
      child.on('exit', killGroup);
      const finish = (exitCode: number | null, outcome: ExecOutcome, error?: string) => {
        clearTimeout(timer);
        this.running.delete(child);
        resolve({
          outcome,
          exitCode,
          stdout: stdout.text(),
          stderr: error ? `${stderr.text()}${error}\n` : stderr.text(),
          durationMs: performance.now() - started,
          truncated: stdout.truncated || stderr.truncated,
        });
      };
      child.on('error', (error) => finish(127, 'failed', error.message));
      child.on('close', (code, signal) => {
        const exitCode = code ?? (signal ? 128 + os.constants.signals[signal] : null);
        finish(exitCode, classify(code, signal, timedOut, outputLimited));
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
  // Without a cgroup an OOM kill looks like any other SIGKILL, so it is reported as a crash.
  if (signal !== null || code === null) return 'crashed';
  return 'failed';
}

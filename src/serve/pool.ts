import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ExecutableLanguage, executableLanguages, executeProgram } from '../execute/execute-code.js';
import type { DockerSandbox } from '../sandbox/docker-sandbox.js';
import type { DockerWorkspace } from '../sandbox/docker-workspace.js';
import type { ExecOutcome, Sandbox, Workspace } from '../sandbox/types.js';
import { LibraryCheck, missingLibrariesMessage, type RunProgram } from './libraries.js';
import type { ExecuteRequest } from './request-schema.js';
import { ResidentRunner } from './resident-runner.js';
import { errorOutput, type OutputDict, type TaskStore } from './task-store.js';

export interface ExecutionTask {
  id: string;
  request: ExecuteRequest;
}

export interface PoolOptions {
  sandbox: Sandbox;
  /** The image each language runs in (one lane of workers per distinct image; ignored by the process sandbox). */
  images: Record<ExecutableLanguage, string>;
  /** Warm workspaces per lane, each running one task at a time. */
  workers: number;
  /** Tasks waiting for a worker, over all lanes, before `submit` refuses. */
  queueLimit: number;
  store: TaskStore;
}

/** Outcomes after which a workspace may hold leftovers (a killed interpreter's files, a wedged container). */
const replaceAfter = new Set<ExecOutcome>(['timeout', 'oom', 'crashed']);

/** A warm workspace and how programs reach it. */
interface Worker {
  run: RunProgram;
  dispose(): Promise<void>;
}

interface Slot {
  workspace?: Worker;
  busy: boolean;
}

interface Lane {
  key: string;
  image: string;
  languages: ExecutableLanguage[];
  slots: Slot[];
  queue: ExecutionTask[];
  /** Why the last workspace could not be opened, while no later one could. */
  openError?: string;
}

export interface LaneStatus {
  image: string;
  languages: ExecutableLanguage[];
  workers: number;
  busy: number;
  /** Workers being replaced after a timeout, memory kill or crash. */
  replacing: number;
  queued: number;
  open_error?: string;
}

/**
 * Warm sandbox workspaces, opened up front, and one FIFO queue per image in front of them. Every submitted task
 * reaches `store.finish` exactly once: with its result, or with an error when it could not run (missing
 * library, sandbox failure, shutdown).
 */
export class ExecutionPool {
  private readonly lanes: Lane[] = [];
  private readonly laneOf = new Map<ExecutableLanguage, Lane>();
  private readonly libraries = new LibraryCheck();
  private readonly running = new Set<Promise<void>>();
  private readonly background = new Set<Promise<unknown>>();
  /** Workspaces replaced since the start (after a timeout, memory kill, crash or sandbox failure). */
  replaced = 0;
  private closing = false;
  private wakeClosing: () => void = () => {};
  private readonly closed = new Promise<void>((resolve) => {
    this.wakeClosing = resolve;
  });

  private constructor(
    private readonly options: PoolOptions,
    private readonly sourceDir: string,
  ) {
    for (const language of executableLanguages) {
      const image = options.images[language];
      const key = options.sandbox.kind === 'process' ? 'process' : image;
      let lane = this.lanes.find((l) => l.key === key);
      if (!lane) {
        lane = { key, image, languages: [], slots: [], queue: [] };
        this.lanes.push(lane);
      }
      lane.languages.push(language);
      this.laneOf.set(language, lane);
    }
  }

  /** Opens every worker's workspace; fails (and disposes what it opened) when one cannot be opened. */
  static async start(options: PoolOptions): Promise<ExecutionPool> {
    // Workspaces copy a directory; programs are written into their copy, so an empty one will do.
    const sourceDir = await fs.mkdtemp(path.join(os.tmpdir(), 'afterburner-serve-'));
    const pool = new ExecutionPool(options, sourceDir);
    try {
      await Promise.all(
        pool.lanes.flatMap((lane) =>
          Array.from({ length: options.workers }, async () => {
            const slot: Slot = { busy: false };
            lane.slots.push(slot);
            slot.workspace = await pool.open(lane);
          }),
        ),
      );
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get queued(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.queue.length, 0);
  }

  /** Queues a task whose id is already in the store; false (and nothing recorded) when the queue is full. */
  submit(task: ExecutionTask): boolean {
    if (this.closing || this.queued >= this.options.queueLimit) return false;
    const lane = this.laneOf.get(task.request.language) as Lane;
    lane.queue.push(task);
    this.dispatch(lane);
    return true;
  }

  status(): LaneStatus[] {
    return this.lanes.map((lane) => ({
      image: this.options.sandbox.kind === 'process' ? 'none (process sandbox)' : lane.image,
      languages: lane.languages,
      workers: lane.slots.length,
      busy: lane.slots.filter((s) => s.busy).length,
      replacing: lane.slots.filter((s) => !s.busy && !s.workspace).length,
      queued: lane.queue.length,
      ...(lane.openError ? { open_error: lane.openError } : {}),
    }));
  }

  /**
   * Refuses new tasks, fails the queued ones, lets the running ones finish (each within its own timeout) and
   * disposes every workspace.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.wakeClosing();
    for (const lane of this.lanes) this.failQueued(lane, 'the server shut down before the task ran\n');
    await Promise.allSettled([...this.running]);
    await Promise.allSettled([...this.background]);
    await Promise.allSettled(
      this.lanes.flatMap((lane) => lane.slots.map((slot) => slot.workspace?.dispose())),
    );
    await this.options.sandbox.close();
    await fs.rm(this.sourceDir, { recursive: true, force: true });
  }

  private async open(lane: Lane): Promise<Worker> {
    const { sandbox } = this.options;
    const workspace: Workspace = await sandbox.open({
      sourceDir: this.sourceDir,
      ...(sandbox.kind === 'docker' ? { image: lane.image } : {}),
      labels: { 'afterburner.role': 'serve-worker' },
    });
    if (sandbox.kind !== 'docker') {
      return { run: (run) => executeProgram(workspace, run), dispose: () => workspace.dispose() };
    }
    try {
      const outputLimit = (sandbox as DockerSandbox).limits.outputBytes;
      const runner = await ResidentRunner.start(workspace as DockerWorkspace, outputLimit);
      return {
        run: (run) => runner.run(run),
        dispose: async () => {
          runner.close();
          await workspace.dispose();
        },
      };
    } catch (error) {
      await workspace.dispose();
      throw error;
    }
  }

  private dispatch(lane: Lane): void {
    for (const slot of lane.slots) {
      if (lane.queue.length === 0) return;
      if (slot.busy || !slot.workspace) continue;
      const task = lane.queue.shift() as ExecutionTask;
      slot.busy = true;
      const run = this.run(lane, slot, slot.workspace, task);
      this.running.add(run);
      void run.finally(() => {
        this.running.delete(run);
        slot.busy = false;
        if (!this.closing) this.dispatch(lane);
      });
    }
  }

  private async run(lane: Lane, slot: Slot, workspace: Worker, task: ExecutionTask): Promise<void> {
    const { store } = this.options;
    store.markRunning(task.id);
    const { language, code, libraries, timeout } = task.request;
    let status: 'done' | 'error' = 'error';
    let output: OutputDict;
    let replace = false;
    try {
      const missing = await this.libraries.missing(workspace.run, lane.image, language, libraries);
      if (missing.length > 0) {
        output = errorOutput(missingLibrariesMessage(missing));
      } else {
        const measured = await workspace.run({ language, code, timeoutMs: timeout * 1000 });
        status = 'done';
        replace = replaceAfter.has(measured.outcome);
        output = {
          duration: measured.durationMs / 1000,
          peak_memory: measured.peakMemoryKib,
          integral: measured.integralKibMs / 1000,
          cpu_time: measured.cpuMs / 1000,
          stdout: measured.stdout,
          stderr: measured.stderr,
          returncode: measured.returncode,
          outcome: measured.outcome,
        };
      }
    } catch (error) {
      replace = true;
      output = errorOutput(`sandbox failure: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    store.finish(task.id, status, output);
    if (replace) this.replace(lane, slot, workspace);
  }

  /** Takes the slot's workspace out of service at once and opens a fresh one in the background. */
  private replace(lane: Lane, slot: Slot, old: Worker): void {
    slot.workspace = undefined;
    this.replaced++;
    this.track(old.dispose());
    if (!this.closing) this.track(this.reopen(lane, slot));
  }

  private async reopen(lane: Lane, slot: Slot): Promise<void> {
    for (let attempt = 0; !this.closing; attempt++) {
      try {
        const workspace = await this.open(lane);
        if (this.closing) {
          await workspace.dispose();
          return;
        }
        slot.workspace = workspace;
        lane.openError = undefined;
        this.dispatch(lane);
        return;
      } catch (error) {
        lane.openError = error instanceof Error ? error.message : String(error);
        if (!lane.slots.some((s) => s.workspace)) {
          this.failQueued(lane, `no sandbox workspace could be opened: ${lane.openError}\n`);
        }
        await Promise.race([this.closed, sleep(Math.min(30_000, 1000 * 2 ** attempt))]);
      }
    }
  }

  private failQueued(lane: Lane, reason: string): void {
    for (const task of lane.queue.splice(0)) this.options.store.finish(task.id, 'error', errorOutput(reason));
  }

  private track(promise: Promise<unknown>): void {
    const settled = promise.catch(() => {});
    this.background.add(settled);
    void settled.finally(() => this.background.delete(settled));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

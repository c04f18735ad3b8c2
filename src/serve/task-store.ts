import { randomUUID } from 'node:crypto';
import type { ExecOutcome } from '../sandbox/types.js';

export type TaskStatus = 'pending' | 'running' | 'done' | 'error';

/** What `GET /results/{id}` returns once a task has finished (units in docs/serve.md). */
export interface OutputDict {
  /** Wall time, seconds. */
  duration: number;
  /** Peak memory above the sandbox's idle, KiB. */
  peak_memory: number;
  /** ∫ (memory − idle) dt, KiB·s. */
  integral: number;
  /** User + system CPU time, seconds. */
  cpu_time: number;
  stdout: string;
  stderr: string;
  /** null when the program was killed (timeout, memory limit). */
  returncode: number | null;
  /** How the run ended; `error` when it could not run at all (missing library, sandbox failure). */
  outcome: ExecOutcome | 'error';
}

export interface TaskView {
  task_id: string;
  status: TaskStatus;
  output_dict?: OutputDict;
}

/**
 * Every task the service accepted, by id. Unfinished tasks are always kept (there are at most workers + queue of
 * them); finished ones are kept up to `keepFinished`, the oldest dropped first.
 */
export class TaskStore {
  private readonly tasks = new Map<string, TaskView>();
  private readonly finishedOrder: string[] = [];
  private finishedHead = 0;
  private readonly waiters = new Map<string, Set<() => void>>();
  completed = 0;
  failed = 0;

  constructor(private readonly keepFinished = 10_000) {}

  create(): string {
    const id = randomUUID();
    this.tasks.set(id, { task_id: id, status: 'pending' });
    return id;
  }

  get(id: string): TaskView | undefined {
    return this.tasks.get(id);
  }

  /** Drops a task that was never queued (the queue was full), so it never shows as pending. */
  forget(id: string): void {
    if (this.tasks.get(id)?.status === 'pending') this.tasks.delete(id);
  }

  /** Resolves when the task has finished, or after `ms`, whichever comes first (long polling). */
  async waitFor(id: string, ms: number): Promise<void> {
    const task = this.tasks.get(id);
    if (!task || task.status === 'done' || task.status === 'error' || ms <= 0) return;
    let wake: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const waiting = this.waiters.get(id) ?? new Set();
    waiting.add(wake);
    this.waiters.set(id, waiting);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([finished, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    } finally {
      clearTimeout(timer);
      waiting.delete(wake);
      if (waiting.size === 0) this.waiters.delete(id);
    }
  }

  markRunning(id: string): void {
    const task = this.tasks.get(id);
    if (task?.status === 'pending') task.status = 'running';
  }

  /** Records a task's one result; a second result for the same task is a bug, refused loudly. */
  finish(id: string, status: 'done' | 'error', output: OutputDict): void {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`task ${id} is unknown`);
    if (task.status === 'done' || task.status === 'error') throw new Error(`task ${id} finished twice`);
    task.status = status;
    task.output_dict = output;
    for (const wake of this.waiters.get(id) ?? []) wake();
    this.waiters.delete(id);
    if (status === 'done') this.completed++;
    else this.failed++;
    this.finishedOrder.push(id);
    while (this.finishedOrder.length - this.finishedHead > this.keepFinished) {
      this.tasks.delete(this.finishedOrder[this.finishedHead++] as string);
    }
    // Compact now and then so the order list does not grow without bound.
    if (this.finishedHead > 4096) {
      this.finishedOrder.splice(0, this.finishedHead);
      this.finishedHead = 0;
    }
  }
}

/** The result of a task that could not run: no figures, the reason on stderr. */
export function errorOutput(reason: string): OutputDict {
  return {
    duration: 0,
    peak_memory: 0,
    integral: 0,
    cpu_time: 0,
    stdout: '',
    stderr: reason,
    returncode: null,
    outcome: 'error',
  };
}

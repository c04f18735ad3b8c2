import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redact } from '../redact.js';
import type { TrajectoryEntry, TrajectorySink } from './types.js';

/** Where logs go, relative to the repository. */
export const defaultTrajectoryDir = join('.afterburner', 'trajectories');

/** Appends one JSON line per iteration to `<dir>/<start time>-<runId>.jsonl` (names sort by start time). */
export class JsonlTrajectoryLog implements TrajectorySink {
  readonly file: string;
  private ready?: Promise<unknown>;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly dir: string,
    runId: string,
    startedAt: Date = new Date(),
  ) {
    this.file = join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}-${runId}.jsonl`);
  }

  record(entry: TrajectoryEntry): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true });
    // Lines are appended in order even when targets run concurrently.
    this.queue = this.queue.then(async () => {
      await this.ready;
      await appendFile(this.file, `${redact(JSON.stringify(entry))}\n`);
    });
    return this.queue;
  }
}

/** Every entry of every log in `dir`, oldest file first; lines that do not parse are counted, not fatal. */
export async function readTrajectories(
  dir: string,
): Promise<{ entries: TrajectoryEntry[]; badLines: number }> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.jsonl')).sort();
  const entries: TrajectoryEntry[] = [];
  let badLines = 0;
  for (const file of files) {
    for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as TrajectoryEntry;
        if (entry.schemaVersion === 1 && Array.isArray(entry.candidates)) entries.push(entry);
        else badLines++;
      } catch {
        badLines++;
      }
    }
  }
  return { entries, badLines };
}

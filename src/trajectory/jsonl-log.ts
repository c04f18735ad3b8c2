import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appendFileNoFollow } from '../cache/safe-fs.js';
import type { StateLocation } from '../cache/state-dir.js';
import { redact } from '../redact.js';
import type { TrajectoryEntry, TrajectorySink } from './types.js';

/**
 * Appends one JSON line per iteration to `<dir>/<start time>-<runId>.jsonl` (names sort by start time), in a
 * directory outside the repository under review, never through a symlink (see cache/state-dir.ts).
 */
export class JsonlTrajectoryLog implements TrajectorySink {
  readonly file: string;
  private readonly name: string;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly location: StateLocation,
    runId: string,
    startedAt: Date = new Date(),
  ) {
    this.name = `${startedAt.toISOString().replace(/[:.]/g, '-')}-${runId.replace(/[^A-Za-z0-9_-]+/g, '_')}.jsonl`;
    this.file = join(location.path, this.name);
  }

  record(entry: TrajectoryEntry): Promise<void> {
    // Lines are appended in order even when targets run concurrently.
    // One failed write does not stop the later ones.
    this.queue = this.queue
      .catch(() => {})
      .then(async () => {
        const dir = await this.location.ensure();
        await appendFileNoFollow(join(dir, this.name), `${redact(JSON.stringify(entry))}\n`);
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

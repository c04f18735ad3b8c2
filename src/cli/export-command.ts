import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { resolveStatePaths, userStateRoot } from '../cache/index.js';
import { AfterburnerError } from '../errors.js';
import { redact } from '../redact.js';
import {
  type ExportFormat,
  exportFormats,
  exportTrajectories,
  readTrajectories,
} from '../trajectory/index.js';
import type { CommandIO } from './review-command.js';

export interface ExportOptions {
  format?: string;
  repo?: string;
  out?: string;
  cacheDir?: string;
}

/** `afterburner export`: a repository's trajectory logs as training data (JSONL), to --out or standard output. */
export async function exportCommand(options: ExportOptions, io: CommandIO): Promise<number> {
  const format = options.format as ExportFormat;
  if (!exportFormats.includes(format)) {
    throw new AfterburnerError('usage', `--format: expected one of ${exportFormats.join(', ')}`);
  }
  const repo = resolve(io.cwd, options.repo ?? '.');
  const state = await resolveStatePaths({
    repo,
    stateDir: options.cacheDir ? resolve(io.cwd, options.cacheDir) : userStateRoot(io.env),
    cacheDir: false,
  });
  const dir = state.trajectories?.path ?? '';
  const { entries, badLines } = await readTrajectories(dir);
  const records = exportTrajectories(entries, format);
  const text = records.map((record) => JSON.stringify(record)).join('\n') + (records.length ? '\n' : '');
  if (options.out) {
    const out = resolve(io.cwd, options.out);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, redact(text));
  } else {
    io.stdout(text);
  }
  const skipped = badLines ? `; ${badLines} unreadable line(s) skipped` : '';
  io.progress.notice(
    `Exported ${records.length} ${format} record(s) from ${entries.length} iteration(s) in ${dir}${skipped}`,
  );
  return records.length;
}

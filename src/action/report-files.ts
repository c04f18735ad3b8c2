import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AfterburnerError } from '../errors.js';
import type { RunReport } from '../report/index.js';
import { parseRunReport } from '../report/report-schema.js';

/** The biggest report file we read: far above any real one, far below what would hurt. */
const maxReportBytes = 20 * 1024 * 1024;

/** The `.json` files anywhere under a directory (artifacts download into nested folders), in path order. */
export async function jsonFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A report another job wrote (a shard, a compute run): size-capped and schema-checked before use. */
export async function readReportFile(file: string): Promise<RunReport> {
  const { size } = await stat(file);
  if (size > maxReportBytes) {
    throw new AfterburnerError('usage', `${file} is ${size} bytes; a report is never over ${maxReportBytes}`);
  }
  return parseRunReport(await readFile(file, 'utf8'), file);
}

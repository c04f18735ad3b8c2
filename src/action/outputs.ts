import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redact } from '../redact.js';
import { type RunReport, renderJsonReport, renderMarkdownReport } from '../report/index.js';

/** What a mode hands back to the Action: the report, where it was written, and whether GitHub got it. */
export interface Outputs {
  report: RunReport;
  markdownPath: string;
  jsonPath: string;
  posted: boolean;
  /** Why nothing was posted, for the job summary, the annotations and the `reason` output. */
  reason?: string;
  pullUrl?: string;
}

export async function writeReports(report: RunReport, outDir: string, name: string) {
  await mkdir(outDir, { recursive: true });
  const markdownPath = join(outDir, `${name}.md`);
  const jsonPath = join(outDir, `${name}.json`);
  await writeFile(markdownPath, redact(renderMarkdownReport(report)));
  await writeFile(jsonPath, redact(renderJsonReport(report)));
  return { markdownPath, jsonPath };
}

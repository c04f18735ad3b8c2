import type { RunReport } from './types.js';

/** The report as data, for other tools and the Action's artifact. */
export function renderJsonReport(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

import type { Workspace } from '../sandbox/types.js';
import { captureDir, safeId } from './harness-layout.js';
import type { SkippedCalls } from './verify-result.js';

/** The file the recorder writes a target's captured calls to. */
export function captureFile(targetId: string): string {
  return `${captureDir}/${safeId(targetId)}.calls`;
}

/** Lines the recorder wrote beside a target's captured calls (`classes`, `skipped`, `tests`); none if absent. */
export async function captureLines(
  workspace: Workspace,
  env: Record<string, string>,
  targetId: string,
  suffix: string,
): Promise<string[]> {
  const file = `${captureDir}/${safeId(targetId)}.${suffix}`;
  const run = await workspace.exec(['sh', '-c', `cat '${file}' 2>/dev/null || true`], {
    timeoutMs: 10_000,
    env,
  });
  return run.stdout.split('\n').filter((line) => line.trim() !== '');
}

/** Classes whose instances the recorded calls hold (from the `classes` lines). */
export function recordedClassNames(lines: readonly string[]): string[] {
  const names = lines.filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
  return [...new Set(names)].slice(0, 50);
}

/** Calls the recorder could not keep, and why (from the `skipped` lines: one reason a line). */
export function skippedCalls(lines: readonly string[]): SkippedCalls {
  const reasons = new Map<string, number>();
  for (const line of lines) reasons.set(line.trim(), (reasons.get(line.trim()) ?? 0) + 1);
  return { count: lines.length, reasons };
}

import { posix } from 'node:path';

/** Where the harness keeps its files inside the workspace (runtime scripts, specs, captured calls). */
export const harnessDir = '.afterburner-harness';
export const captureDir = `${harnessDir}/capture`;

/** Where a side's replay copy sits: beside the target's file, so that its relative imports resolve the same. */
export function replayCopyPath(targetPath: string, role: 'original' | 'candidate'): string {
  return posix.join(posix.dirname(targetPath), `.afterburner-${role}-${posix.basename(targetPath)}`);
}

/** The capture files' names; the recorders inside the sandbox sanitize the id the same way. */
export function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]+/g, '_');
}

import { spawnSync } from 'node:child_process';
import type Docker from 'dockerode';
import { onProcessExit } from './exit-hooks.js';
import { creatorFromLabels, creatorLabels, processGone } from './process-identity.js';

export const labelKey = 'afterburner';
export const runLabelKey = 'afterburner.run';

const live = new Map<string, () => void>();

/** Labels every container of a run carries: the run, and the process that created it (for the reaper). */
export function containerLabels(runId: string): Record<string, string> {
  return { [labelKey]: '1', [runLabelKey]: runId, ...creatorLabels() };
}

/** Containers of these runs are removed when the process exits or is interrupted. */
export function trackRun(docker: Docker, runId: string): void {
  if (live.has(runId)) return;
  const remove = onProcessExit({
    cleanup: () => removeByLabel(docker, `${runLabelKey}=${runId}`),
    // 'exit' handlers cannot wait for I/O; the docker CLI, when installed, is the only synchronous way left.
    cleanupSync: () => {
      const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=${runLabelKey}=${runId}`], {
        encoding: 'utf8',
        timeout: 5_000,
      })
        .stdout?.split(/\s+/)
        .filter(Boolean);
      if (ids?.length) spawnSync('docker', ['rm', '-fv', ...ids], { stdio: 'ignore', timeout: 10_000 });
    },
  });
  live.set(runId, remove);
}

export function untrackRun(runId: string): void {
  live.get(runId)?.();
  live.delete(runId);
}

async function removeByLabel(docker: Docker, label: string, keep?: (c: Docker.ContainerInfo) => boolean) {
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  const doomed = containers.filter((c) => !keep?.(c));
  await Promise.allSettled(doomed.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  return doomed.length;
}

/**
 * Removes afterburner containers left by crashed or killed runs: exited or dead ones, running ones whose
 * creating process is gone (a SIGKILLed run cannot clean up), and any older than `maxAgeMs` (no run lasts that
 * long; this also covers containers created on another host, whose creator cannot be checked from here).
 * Returns how many were removed.
 */
export async function reapStaleContainers(
  docker: Docker,
  { maxAgeMs = 6 * 60 * 60 * 1000 }: { maxAgeMs?: number } = {},
): Promise<number> {
  const cutoffSeconds = (Date.now() - maxAgeMs) / 1000;
  const orphaned = (c: Docker.ContainerInfo) => {
    const creator = creatorFromLabels(c.Labels);
    return creator !== undefined && processGone(creator);
  };
  // A young 'created' container of an older version without creator labels may belong to a run starting it now.
  const stale = (c: Docker.ContainerInfo) =>
    c.State === 'exited' || c.State === 'dead' || c.Created < cutoffSeconds || orphaned(c);
  return removeByLabel(docker, `${labelKey}=1`, (c) => !stale(c));
}

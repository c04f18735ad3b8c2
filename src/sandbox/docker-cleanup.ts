import { spawnSync } from 'node:child_process';
import type Docker from 'dockerode';

export const labelKey = 'afterburner';
export const runLabelKey = 'afterburner.run';

const live = new Map<string, Docker>();
let registered = false;

/** Containers of these runs are removed when the process exits or is interrupted. */
export function trackRun(docker: Docker, runId: string): void {
  live.set(runId, docker);
  if (registered) return;
  registered = true;
  process.once('beforeExit', () => void removeLiveRuns());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // Re-raise for the default exit only when nobody else handles the signal.
      void removeLiveRuns().finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    });
  }
  // 'exit' handlers cannot wait for I/O; the docker CLI, when installed, is the only synchronous way left.
  process.once('exit', () => {
    for (const runId of live.keys()) {
      const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=${runLabelKey}=${runId}`], {
        encoding: 'utf8',
        timeout: 5_000,
      })
        .stdout?.split(/\s+/)
        .filter(Boolean);
      if (ids?.length) spawnSync('docker', ['rm', '-fv', ...ids], { stdio: 'ignore', timeout: 10_000 });
    }
  });
}

export function untrackRun(runId: string): void {
  live.delete(runId);
}

async function removeLiveRuns(): Promise<void> {
  const runs = [...live];
  live.clear();
  await Promise.allSettled(runs.map(([runId, docker]) => removeByLabel(docker, `${runLabelKey}=${runId}`)));
}

async function removeByLabel(docker: Docker, label: string, keep?: (c: Docker.ContainerInfo) => boolean) {
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  const doomed = containers.filter((c) => !keep?.(c));
  await Promise.allSettled(doomed.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  return doomed.length;
}

/**
 * Removes afterburner containers left by crashed runs: exited or dead ones, and any older than `maxAgeMs`
 * (no run lasts that long). Returns how many were removed.
 */
export async function reapStaleContainers(
  docker: Docker,
  { maxAgeMs = 6 * 60 * 60 * 1000 }: { maxAgeMs?: number } = {},
): Promise<number> {
  const cutoffSeconds = (Date.now() - maxAgeMs) / 1000;
  // A young 'created' container belongs to a run that is starting it right now.
  const stale = (c: Docker.ContainerInfo) =>
    c.State === 'exited' || c.State === 'dead' || c.Created < cutoffSeconds;
  return removeByLabel(docker, `${labelKey}=1`, (c) => !stale(c));
}

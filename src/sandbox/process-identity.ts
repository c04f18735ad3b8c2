import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Who created a container or a run directory, precise enough to tell later whether that process is gone: a pid
 * alone can be reused, so the boot and the process's start time (in clock ticks since boot) come along.
 */
export interface ProcessIdentity {
  host: string;
  /** The kernel's boot id; empty where there is no /proc (then only the pid is checked). */
  boot: string;
  pid: number;
  /** Field 22 of /proc/PID/stat; empty where there is no /proc. */
  start: string;
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

const bootId = readOr('/proc/sys/kernel/random/boot_id', '').trim();

/** The start time of a process, or undefined when it does not exist (or /proc cannot tell). */
function startTimeOf(pid: number): string | undefined {
  const stat = readOr(`/proc/${pid}/stat`, '');
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return stat ? fields[19] : undefined;
}

export function currentProcess(): ProcessIdentity {
  return { host: os.hostname(), boot: bootId, pid: process.pid, start: startTimeOf(process.pid) ?? '' };
}

/**
 * True when the process is certainly gone (exited, pid reused, machine rebooted); false when it runs or when
 * this machine cannot tell (another host: a shared Docker daemon or /tmp).
 */
export function processGone(identity: ProcessIdentity): boolean {
  if (identity.host !== os.hostname() || !Number.isInteger(identity.pid) || identity.pid <= 0) return false;
  if (identity.boot && bootId && identity.boot !== bootId) return true;
  try {
    process.kill(identity.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  if (!identity.start) return false;
  const start = startTimeOf(identity.pid);
  return start !== undefined && start !== identity.start;
}

const labelPrefix = 'afterburner.creator';

/** Docker labels naming the creating process. */
export function creatorLabels(identity = currentProcess()): Record<string, string> {
  return {
    [`${labelPrefix}.host`]: identity.host,
    [`${labelPrefix}.boot`]: identity.boot,
    [`${labelPrefix}.pid`]: String(identity.pid),
    [`${labelPrefix}.start`]: identity.start,
  };
}

/** The creator recorded by `creatorLabels`, or undefined for containers of older versions. */
export function creatorFromLabels(labels: Record<string, string> | undefined): ProcessIdentity | undefined {
  const host = labels?.[`${labelPrefix}.host`];
  const pid = Number(labels?.[`${labelPrefix}.pid`]);
  if (!host || !pid) return undefined;
  return {
    host,
    boot: labels?.[`${labelPrefix}.boot`] ?? '',
    pid,
    start: labels?.[`${labelPrefix}.start`] ?? '',
  };
}

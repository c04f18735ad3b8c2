import { readdirSync, readFileSync } from 'node:fs';
import { MemorySampler } from './memory-sampler.js';
import type { ResourceUsage } from './types.js';

const pageBytes = 4096;
const clockTicksPerSecond = 100;

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces and parentheses). */
function statFields(pid: string): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

interface ProcessEntry {
  pid: number;
  parent: number;
  group: number;
  /** Start time in clock ticks since boot: tells a reused pid from the process we saw. */
  startedAt: string;
  rssBytes: number;
}

function processTable(): ProcessEntry[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const table: ProcessEntry[] = [];
  for (const pid of entries) {
    if (pid.charCodeAt(0) > 57) continue;
    const fields = statFields(pid);
    // stat fields 4 (ppid), 5 (pgrp), 22 (starttime) and 24 (rss, pages), counted from 1.
    if (fields) {
      table.push({
        pid: Number(pid),
        parent: Number(fields[1]),
        group: Number(fields[2]),
        startedAt: fields[19] as string,
        rssBytes: Number(fields[21]) * pageBytes,
      });
    }
  }
  return table;
}

/** Environment variable that marks every process an exec started; children inherit it through `setsid`. */
export const execMarkerName = 'AFTERBURNER_SANDBOX_EXEC';

/**
 * The processes a command started: its process group, plus descendants that left the group (`setsid`,
 * daemonizing) while we sampled, plus any live process that inherited the exec's marker variable. Strays
 * that cleared their environment after leaving the group between two samples escape; the process sandbox
 * is not a security boundary.
 */
export class ProcessFamily {
  readonly seen = new Map<number, string>();

  constructor(
    private readonly groupId: number,
    private readonly marker?: string,
  ) {}

  /** Summed RSS of the family's live members, or undefined when /proc cannot be read. */
  rssBytes(): number | undefined {
    const table = processTable();
    if (!table) return undefined;
    const members = new Set<number>();
    for (const entry of table) {
      if (entry.group === this.groupId || this.seen.get(entry.pid) === entry.startedAt)
        members.add(entry.pid);
    }
    for (let grew = true; grew; ) {
      grew = false;
      for (const entry of table) {
        if (!members.has(entry.pid) && members.has(entry.parent)) {
          members.add(entry.pid);
          grew = true;
        }
      }
    }
    let total = 0;
    for (const entry of table) {
      if (!members.has(entry.pid)) continue;
      this.seen.set(entry.pid, entry.startedAt);
      total += entry.rssBytes;
    }
    return total;
  }

  /** SIGKILLs members seen earlier that are still alive (and still the same process), group included. */
  killAll(): void {
    try {
      process.kill(-this.groupId, 'SIGKILL');
    } catch {}
    if (this.marker) {
      const needle = `${execMarkerName}=${this.marker}\0`;
      for (const entry of processTable() ?? []) {
        try {
          if (
            entry.pid !== process.pid &&
            readFileSync(`/proc/${entry.pid}/environ`, 'utf8').includes(needle)
          ) {
            this.seen.set(entry.pid, entry.startedAt);
          }
        } catch {}
      }
    }
    for (const [pid, startedAt] of this.seen) {
      if (statFields(String(pid))?.[19] !== startedAt) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
}

/** CPU time of the children this process has reaped (utime + stime of waited-for children), in ms. */
export function reapedChildrenCpuMs(): number | undefined {
  const fields = statFields('self');
  if (!fields) return undefined;
  // cutime and cstime are fields 16 and 17 of stat, in clock ticks.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicksPerSecond;
}

/**
 * Measures one child process group by sampling /proc. CPU time is what the kernel adds to our own children's
 * account when the child is reaped (it includes grandchildren the child waited for), so execs that finish at
 * the same time in other workspaces of this process would be mixed in; the harness runs one at a time.
 */
export class ProcMeasurement {
  private readonly sampler: MemorySampler;
  private readonly startedAt = performance.now();
  private readonly cpuAtStartMs = reapedChildrenCpuMs() ?? 0;
  readonly family: ProcessFamily;

  constructor(groupId: number, marker: string, onSample?: (bytes: number) => void) {
    this.family = new ProcessFamily(groupId, marker);
    // A scan of /proc costs about 1.5 ms with 100 processes: every 20 ms keeps it under 10% of a core.
    this.sampler = new MemorySampler(() => this.family.rssBytes(), 20, onSample);
    this.sampler.start();
  }

  /** Stops sampling; call when the group's last process exited, before `cpu()` is meaningful. */
  stop(): ReturnType<MemorySampler['stop']> {
    return this.sampler.stop();
  }

  finish(sampled: ReturnType<MemorySampler['stop']>): ResourceUsage {
    return {
      wallMs: performance.now() - this.startedAt,
      cpuMs: Math.max(0, (reapedChildrenCpuMs() ?? this.cpuAtStartMs) - this.cpuAtStartMs),
      peakMemoryBytes: sampled.peakBytes,
      baselineMemoryBytes: 0,
      memoryIntegralMibMs: sampled.integralMibMs,
      samples: sampled.samples,
      source: 'proc',
      peakExact: false,
    };
  }
}

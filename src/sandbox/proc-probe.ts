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

/** Summed resident memory of every live process in a process group, from /proc (Linux only). */
export function groupRssBytes(groupId: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  let total = 0;
  for (const pid of entries) {
    if (pid.charCodeAt(0) > 57) continue;
    const fields = statFields(pid);
    // fields[2] is the process group (field 5 of stat), fields[21] the RSS in pages (field 24).
    if (fields && Number(fields[2]) === groupId) total += Number(fields[21]) * pageBytes;
  }
  return total;
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

  constructor(groupId: number, onSample?: (bytes: number) => void) {
    this.sampler = new MemorySampler(() => groupRssBytes(groupId), 10, onSample);
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

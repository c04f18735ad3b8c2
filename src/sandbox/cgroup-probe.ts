import { closeSync, existsSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { MemorySampler } from './memory-sampler.js';
import type { ResourceUsage } from './types.js';

const root = '/sys/fs/cgroup';

/** Where a container's cgroup files are on this machine (cgroupfs or systemd driver, cgroup v1 or v2). */
export interface CgroupFiles {
  version: 1 | 2;
  memoryUsage: string;
  /** v1 `memory.max_usage_in_bytes` (reset by writing 0), v2 `memory.peak` (reset per open file, Linux 6.12+). */
  memoryPeak: string;
  /** v1 `cpuacct.usage` (ns), v2 `cpu.stat` (`usage_usec`). */
  cpu: string;
}

/**
 * Finds a container's cgroup on this machine. Only a local daemon's containers are found: for a remote
 * DOCKER_HOST the directory does not exist here and resources are not measured.
 */
export function findContainerCgroup(containerId: string): CgroupFiles | undefined {
  const names = [`docker/${containerId}`, `system.slice/docker-${containerId}.scope`];
  for (const name of names) {
    const memory = `${root}/memory/${name}`;
    if (existsSync(`${memory}/memory.usage_in_bytes`)) {
      const cpuDir = [`${root}/cpuacct/${name}`, `${root}/cpu,cpuacct/${name}`].find((dir) =>
        existsSync(`${dir}/cpuacct.usage`),
      );
      if (!cpuDir) continue;
      return {
        version: 1,
        memoryUsage: `${memory}/memory.usage_in_bytes`,
        memoryPeak: `${memory}/memory.max_usage_in_bytes`,
        cpu: `${cpuDir}/cpuacct.usage`,
      };
    }
    const unified = `${root}/${name}`;
    if (existsSync(`${unified}/memory.current`) && existsSync(`${unified}/cpu.stat`)) {
      return {
        version: 2,
        memoryUsage: `${unified}/memory.current`,
        memoryPeak: `${unified}/memory.peak`,
        cpu: `${unified}/cpu.stat`,
      };
    }
  }
  return undefined;
}

/** Measures one exec from the host side of the container's cgroup. */
export class CgroupMeasurement {
  private readonly sampler: MemorySampler;
  private readonly startedAt = performance.now();
  private readonly cpuAtStartNs: number;
  private readonly baselineBytes: number;
  private peakFd: number | undefined;
  private peakResettable = false;

  constructor(private readonly files: CgroupFiles) {
    this.baselineBytes = readNumber(files.memoryUsage) ?? 0;
    this.resetPeak();
    this.cpuAtStartNs = readCpuNs(files) ?? 0;
    this.sampler = new MemorySampler(() => readNumber(files.memoryUsage));
    this.sampler.start();
  }

  finish(): ResourceUsage {
    const wallMs = performance.now() - this.startedAt;
    const sampled = this.sampler.stop();
    const cpuNs = (readCpuNs(this.files) ?? this.cpuAtStartNs) - this.cpuAtStartNs;
    const kernelPeak = this.peakResettable ? this.readPeak() : undefined;
    if (this.peakFd !== undefined) closeSync(this.peakFd);
    return {
      wallMs,
      cpuMs: cpuNs / 1e6,
      peakMemoryBytes: Math.max(kernelPeak ?? 0, sampled.peakBytes),
      baselineMemoryBytes: this.baselineBytes,
      memoryIntegralMibMs: sampled.integralMibMs,
      samples: sampled.samples,
      source: this.files.version === 1 ? 'cgroup-v1' : 'cgroup-v2',
      peakExact: kernelPeak !== undefined,
    };
  }

  /** Without a reset the kernel's peak is the container's lifetime peak, useless per exec; then we sample. */
  private resetPeak(): void {
    try {
      if (this.files.version === 1) {
        // Needs root on the host; the container itself cannot do it (read-only cgroupfs, no capabilities).
        writeSync((this.peakFd = openSync(this.files.memoryPeak, 'r+')), '0');
      } else {
        // v2 resets the peak seen through this open file only (Linux 6.12+); older kernels refuse the write.
        this.peakFd = openSync(this.files.memoryPeak, 'r+');
        writeSync(this.peakFd, 'reset\n');
      }
      this.peakResettable = true;
    } catch {
      this.peakResettable = false;
    }
  }

  private readPeak(): number | undefined {
    try {
      if (this.files.version === 1 || this.peakFd === undefined) return readNumber(this.files.memoryPeak);
      const buffer = Buffer.alloc(64);
      const length = readSync(this.peakFd, buffer, 0, 64, 0);
      return Number(buffer.subarray(0, length).toString().trim()) || undefined;
    } catch {
      return undefined;
    }
  }
}

function readNumber(file: string): number | undefined {
  try {
    const value = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function readCpuNs(files: CgroupFiles): number | undefined {
  if (files.version === 1) return readNumber(files.cpu);
  try {
    const match = /^usage_usec (\d+)$/m.exec(readFileSync(files.cpu, 'utf8'));
    return match ? Number(match[1]) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

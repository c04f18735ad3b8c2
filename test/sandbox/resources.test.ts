import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSandbox } from '../../src/sandbox/docker-sandbox.js';
import { MemorySampler, trapezoidMibMs } from '../../src/sandbox/memory-sampler.js';
import { ProcessSandbox } from '../../src/sandbox/process-sandbox.js';
import type { Sandbox, Workspace } from '../../src/sandbox/types.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { makeSourceDir } from '../helpers/source-dir.js';

const mib = 2 ** 20;

describe('trapezoidMibMs', () => {
  it('integrates with the real time between samples', () => {
    const samples = [
      { atMs: 0, bytes: 0 },
      { atMs: 10, bytes: mib },
      { atMs: 30, bytes: mib },
      { atMs: 31, bytes: 3 * mib },
    ];
    // 0.5·10 + 1·20 + 2·1
    expect(trapezoidMibMs(samples)).toBeCloseTo(27, 10);
    expect(trapezoidMibMs(samples.slice(0, 1))).toBe(0);
  });

  it('samples a reading over time and skips failed reads', async () => {
    let calls = 0;
    const sampler = new MemorySampler(() => (++calls % 3 === 0 ? undefined : 4 * mib), 5);
    sampler.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const result = sampler.stop();
    expect(result.peakBytes).toBe(4 * mib);
    expect(result.samples).toBeGreaterThan(5);
    expect(result.samples).toBeLessThan(calls);
    const first = sampler.samples[0]?.atMs ?? 0;
    const last = sampler.samples.at(-1)?.atMs ?? 0;
    expect(result.integralMibMs).toBeCloseTo(4 * (last - first), 6);
  });
});

// Holds 100 MiB for about 300 ms of busy CPU, then prints the CPU time Node itself counted (µs).
const hold100MiB = [
  'node',
  '-e',
  'const b = Buffer.alloc(100 * 2 ** 20, 1); const t = Date.now(); while (Date.now() - t < 300); b[0]++; const u = process.cpuUsage(); console.log(u.user + u.system);',
];

function measures(name: string, makeSandbox: () => Promise<Sandbox>, source: 'cgroup-v1' | 'proc' | 'any') {
  describe(name, () => {
    let sandbox: Sandbox;
    let workspace: Workspace;
    let dir: Awaited<ReturnType<typeof makeSourceDir>>;

    beforeAll(async () => {
      dir = await makeSourceDir();
      sandbox = await makeSandbox();
      workspace = await sandbox.open({ sourceDir: dir.dir });
    });

    afterAll(async () => {
      await sandbox?.close();
      await dir?.cleanup();
    });

    it('measures peak memory, its integral and CPU time of one exec', async () => {
      const result = await workspace.exec(hold100MiB, { timeoutMs: 30_000 });
      expect(result.outcome).toBe('ok');
      const resources = result.resources;
      if (!resources) throw new Error('no resources measured');
      if (source !== 'any') expect(resources.source).toBe(source);
      const peakMiB = (resources.peakMemoryBytes - resources.baselineMemoryBytes) / mib;
      // The buffer plus Node itself (30-90 MiB), never less than the buffer.
      expect(peakMiB).toBeGreaterThan(100);
      expect(peakMiB).toBeLessThan(250);
      // At least the buffer held through the 300 ms loop; at most the peak for the whole wall time.
      expect(resources.memoryIntegralMibMs).toBeGreaterThan(100 * 250);
      expect(resources.memoryIntegralMibMs).toBeLessThanOrEqual(
        (resources.peakMemoryBytes / mib) * resources.wallMs,
      );
      // What Node counted for itself, within clock-tick rounding (10 ms), plus little for the shell around it.
      const ownCpuMs = Number(result.stdout) / 1000;
      expect(ownCpuMs).toBeGreaterThan(50);
      expect(resources.cpuMs).toBeGreaterThanOrEqual(ownCpuMs - 20);
      expect(resources.cpuMs).toBeLessThanOrEqual(ownCpuMs + 150);
      expect(resources.samples).toBeGreaterThan(5);
    });

    it('resets the peak for every exec', async () => {
      const big = await workspace.exec(hold100MiB, { timeoutMs: 30_000 });
      const small = await workspace.exec(['sh', '-c', 'sleep 0.1'], { timeoutMs: 10_000 });
      const resources = small.resources;
      if (!resources || !big.resources) throw new Error('no resources measured');
      expect((resources.peakMemoryBytes - resources.baselineMemoryBytes) / mib).toBeLessThan(20);
      // The busy 300 ms are not carried over; what a sleeping shell costs (the exec's own start-up) varies.
      expect(big.resources.cpuMs).toBeGreaterThan(250);
      expect(resources.cpuMs).toBeLessThan(big.resources.cpuMs / 2);
    });
  });
}

describe.skipIf(!(await dockerAvailable()))('resources: docker', () => {
  measures(
    'DockerSandbox (host cgroup)',
    () => DockerSandbox.connect({ image: dockerTestImage, runId: `test-resources-${process.pid}` }),
    'any',
  );
});

describe.runIf(process.platform === 'linux')('resources: process', () => {
  measures('ProcessSandbox (/proc)', async () => new ProcessSandbox(), 'proc');
});

import type { Benchmark, MetricComparison, PerCallMemory, ScaleBenchmark } from '../harness/types.js';
import type { MemoryMetric } from '../stats/index.js';
import { ciText, formatRatio } from './format.js';

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

/** Memory held over time, from byte·ns: "3.20 MiB·ms", "41.0 KiB·ms", "512 B·ms", "80 B·µs". */
export function formatByteTime(byteNs: number): string {
  const byteMs = byteNs / 1e6;
  if (byteMs >= 1024 ** 2) return `${(byteMs / 1024 ** 2).toFixed(2)} MiB·ms`;
  if (byteMs >= 1024) return `${(byteMs / 1024).toFixed(1)} KiB·ms`;
  if (byteMs >= 1) return `${Math.round(byteMs)} B·ms`;
  return `${Math.round(byteNs / 1e3)} B·µs`;
}

/** "1.12× lower", "1.12× more": a ratio above 1 in the direction of the change, never "0.89× lower". */
export function memoryChange(original: number, candidate: number): string {
  if (original === candidate) return 'same';
  if (original <= 0) return 'more (from none)';
  if (candidate <= 0) return 'none left';
  return candidate < original
    ? `${formatRatio(original / candidate)} lower`
    : `${formatRatio(candidate / original)} more`;
}

/** The whole replay process per side, one run each (the sandbox's measurement), when no per-call memory was. */
export function processMemoryRows(b: Benchmark): string[] {
  if (!b.memory || b.perCall) return [];
  const m = b.memory;
  const row = (label: string, original: number, candidate: number, format: (n: number) => string) =>
    `| ${label} | — | ${format(original)} | ${format(candidate)} | ${memoryChange(original, candidate)} | one run each |`;
  return [
    row('peak memory of the replay', m.originalPeakBytes, m.candidatePeakBytes, formatBytes),
    row(
      'memory × time of the replay',
      m.originalIntegralMibMs,
      m.candidateIntegralMibMs,
      (n) => `${n.toFixed(1)} MiB·ms`,
    ),
  ];
}

const metricRows: Record<MemoryMetric, { label: string; format: (n: number) => string }> = {
  peak: { label: 'peak memory per call', format: formatBytes },
  integral: { label: 'memory × time per call', format: formatByteTime },
};

/** The change of a memory metric in the estimate's direction (original / candidate: above 1 = lower). */
function change(row: MetricComparison): string {
  const ratio = row.estimate.speedup;
  if (ratio === 1) return 'same';
  return ratio > 1 ? `${formatRatio(ratio)} lower` : `${formatRatio(1 / ratio)} more`;
}

function rowsOf(source: string, n: number | undefined, perCall: PerCallMemory): string[] {
  return (['peak', 'integral'] as const).map((metric) => {
    const row = perCall[metric];
    const { label, format } = metricRows[metric];
    return (
      `| ${source}: ${label} (median of ${row.rounds} rounds over ${row.calls} calls) | ${n ? n : '—'} | ` +
      `${format(row.originalMedian)} | ${format(row.candidateMedian)} | ${change(row)} | ${ciText(row.estimate)} |`
    );
  });
}

/**
 * Per-call peak memory and memory × time with their intervals: on the tests' own inputs and at the largest scale
 * where memory was measured (the one a memory verdict rests on).
 */
export function perCallMemoryRows(b: Benchmark, scaleSource: (scale: ScaleBenchmark) => string): string[] {
  const rows = b.perCall ? rowsOf("tests' own inputs", b.n, b.perCall) : [];
  const largest = (b.scales ?? []).filter((s) => s.perCall).at(-1);
  if (largest?.perCall) rows.push(...rowsOf(scaleSource(largest), largest.n, largest.perCall));
  return rows;
}

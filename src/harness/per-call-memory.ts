import {
  calibrateNoiseFloor,
  compareSamples,
  type MemoryComparisons,
  type MemoryMetric,
  median,
} from '../stats/index.js';
import type { MetricComparison, PerCallMemory } from './types.js';

/**
 * What the verify runners' memory rounds report for one set of calls (node/memory-protocol.mjs,
 * python/afterburner_memory.py): per round and side, the mean over the calls of each call's peak bytes and of its
 * peak × time (byte·ns).
 */
export interface RunnerMemory {
  calls: number;
  originalBytes: number[];
  candidateBytes: number[];
  originalByteNs: number[];
  candidateByteNs: number[];
}

export const memoryMetrics: readonly MemoryMetric[] = ['peak', 'integral'];

/** The per-call metric an instruction other than time asks for (the paper's memory and integral). */
export function memoryMetricOf(instruction: 'memory' | 'integral'): MemoryMetric {
  return instruction === 'memory' ? 'peak' : 'integral';
}

/**
 * Added to both sides before comparing: below this the measurement cannot tell versions apart (the runner's own
 * bookkeeping allocates a few hundred bytes around a call), and a function that allocates nothing would otherwise
 * make any stray byte an infinite ratio. 1 KiB for the peak, 1 KiB held for 1 µs for the integral.
 */
const resolution: Record<MemoryMetric, number> = { peak: 1024, integral: 1024 * 1000 };

function samples(memory: RunnerMemory, metric: MemoryMetric, side: 'original' | 'candidate'): number[] {
  const values = metric === 'peak' ? memory[`${side}Bytes`] : memory[`${side}ByteNs`];
  return values.map((v) => v + resolution[metric]);
}

function usable(memory: RunnerMemory | undefined): memory is RunnerMemory {
  return memory !== undefined && memory.originalBytes.length >= 3 && memory.candidateBytes.length >= 3;
}

/** Where a metric's A/A floor is kept beside time's (scaleKey: "1" = the tests' own inputs, "10", "model:1000"). */
export function memoryFloorKey(metric: MemoryMetric, scaleKey: string): string {
  return `${metric}@${scaleKey}`;
}

/** The A/A run's memory floors for one set of calls, added to `floors`. */
export function addMemoryFloors(
  floors: Map<string, number>,
  memory: RunnerMemory | undefined,
  scaleKey: string,
  seed: number,
): void {
  if (!usable(memory)) return;
  for (const metric of memoryMetrics) {
    const { noiseFloor } = calibrateNoiseFloor(
      samples(memory, metric, 'original'),
      samples(memory, metric, 'candidate'),
      { seed, paired: true },
    );
    floors.set(memoryFloorKey(metric, scaleKey), noiseFloor);
  }
}

/**
 * Both metrics compared like time (paired bootstrap of original / candidate, signed-rank test, threshold =
 * max(1 + min gain, that set's A/A floor)); undefined when the runner measured no memory there.
 */
export function compareMemory(
  memory: RunnerMemory | undefined,
  options: { minSpeedup: number; seed: number; floors: ReadonlyMap<string, number>; scaleKey: string },
): { comparisons: MemoryComparisons; perCall: PerCallMemory } | undefined {
  if (!usable(memory)) return undefined;
  const compared = (metric: MemoryMetric) => {
    const original = samples(memory, metric, 'original');
    const candidate = samples(memory, metric, 'candidate');
    const comparison = compareSamples(original, candidate, {
      minSpeedup: options.minSpeedup,
      noiseFloor: options.floors.get(memoryFloorKey(metric, options.scaleKey)) ?? 1,
      seed: options.seed,
      paired: true,
    });
    const row: MetricComparison = {
      calls: memory.calls,
      rounds: original.length,
      originalMedian: Math.max(0, median(original) - resolution[metric]),
      candidateMedian: Math.max(0, median(candidate) - resolution[metric]),
      estimate: comparison.estimate,
      verdict: comparison.verdict,
      uTestP: comparison.uTest.pValue,
      threshold: comparison.threshold,
    };
    return { comparison, row };
  };
  const peak = compared('peak');
  const integral = compared('integral');
  return {
    comparisons: { peak: peak.comparison, integral: integral.comparison },
    perCall: { peak: peak.row, integral: integral.row },
  };
}

import { memoryMetricOf } from '../harness/per-call-memory.js';
import { headlineEstimate } from '../harness/scaled-benchmark.js';
import type { Benchmark } from '../harness/types.js';
import type { SpeedupEstimate } from '../stats/index.js';

/** What the loop optimizes for (the paper's three efficiency instructions). */
export type Instruction = 'time' | 'memory' | 'integral';

export const instructions: readonly Instruction[] = ['time', 'memory', 'integral'];

/** How much better a candidate is on one metric: original / candidate, with its confidence interval. */
export interface MetricGain {
  ratio: number;
  low: number;
  high: number;
}

/**
 * The instruction's metric from a benchmark; undefined when the benchmark does not measure it. This is the one
 * place the benchmark's metrics are read for the loop.
 */
export function metricOf(benchmark: Benchmark, instruction: Instruction): MetricGain | undefined {
  const gain = ({ speedup, low, high }: SpeedupEstimate) => ({ ratio: speedup, low, high });
  // The comparison the verdict rests on: the largest scale when inputs were grown.
  if (instruction === 'time') return gain(headlineEstimate(benchmark));
  const metric = memoryMetricOf(instruction);
  if (benchmark.decision?.metric === metric) return gain(benchmark.decision.estimate);
  const largest = (benchmark.scales ?? []).filter((s) => s.perCall).at(-1);
  const measured = (largest ?? benchmark).perCall?.[metric];
  return measured ? gain(measured.estimate) : undefined;
}

export const instructionText: Record<Instruction, string> = {
  time: 'Optimize for execution time: make the code measurably faster on large inputs.',
  memory: 'Optimize for memory: lower the peak memory the code uses on large inputs.',
  integral:
    'Optimize for the memory-time integral (memory used × how long): use less memory for less time on large inputs.',
};

import { headlineEstimate } from '../harness/scaled-benchmark.js';
import type { Benchmark } from '../harness/types.js';

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
 * place new benchmark fields (memory, integral) plug in; `measuredInstructions` lists what works today.
 */
export function metricOf(benchmark: Benchmark, instruction: Instruction): MetricGain | undefined {
  if (instruction === 'time') {
    // The comparison the verdict rests on: the largest scale when inputs were grown.
    const { speedup, low, high } = headlineEstimate(benchmark);
    return { ratio: speedup, low, high };
  }
  return undefined;
}

/** Instructions the harness measures today; the others are refused when the run is configured. */
export const measuredInstructions: readonly Instruction[] = ['time'];

export const instructionText: Record<Instruction, string> = {
  time: 'Optimize for execution time: make the code measurably faster on large inputs.',
  memory: 'Optimize for memory: lower the peak memory the code uses on large inputs.',
  integral:
    'Optimize for the memory-time integral (memory used × how long): use less memory for less time on large inputs.',
};

export type Arm = 'original' | 'candidate';

export interface Round {
  index: number;
  /** Warm-up rounds are run and thrown away (JIT, caches, CPU frequency). */
  warmup: boolean;
  /** Both arms run in every round; the order alternates (A B, B A, …) so a drift hits both arms alike. */
  order: readonly [Arm, Arm];
}

export interface InterleaveOptions {
  rounds: number;
  warmupRounds?: number;
}

/** The interleaved A/B protocol as a list of rounds: warm-ups first, then `rounds` measured ones. */
export function interleavedRounds({ rounds, warmupRounds = 3 }: InterleaveOptions): Round[] {
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`rounds must be a positive integer, got ${rounds}`);
  return Array.from({ length: warmupRounds + rounds }, (_, index) => ({
    index,
    warmup: index < warmupRounds,
    order: index % 2 === 0 ? (['original', 'candidate'] as const) : (['candidate', 'original'] as const),
  }));
}

export interface SampleInterleavedOptions extends InterleaveOptions {
  /** Runs one arm once and returns its cost (e.g. nanoseconds per call). */
  measure: (arm: Arm, round: Round) => number | Promise<number>;
  /** Stops after this much measuring time (sum of what `elapsedMs` reports), keeping at least `minRounds`. */
  budgetMs?: number;
  minRounds?: number;
  /** Milliseconds one measurement took; defaults to the wall time of `measure`. */
  elapsedMs?: (arm: Arm, value: number, wallMs: number) => number;
}

export interface InterleavedSamples {
  original: number[];
  candidate: number[];
  /** Total measuring time, warm-ups included. */
  spentMs: number;
  /** True when the budget ran out before `rounds` measured rounds. */
  cutShort: boolean;
}

/** Runs the interleaved protocol and returns the measured samples of each arm, warm-ups discarded. */
export async function sampleInterleaved(options: SampleInterleavedOptions): Promise<InterleavedSamples> {
  const samples: InterleavedSamples = { original: [], candidate: [], spentMs: 0, cutShort: false };
  const minRounds = options.minRounds ?? Math.min(options.rounds, 5);
  for (const round of interleavedRounds(options)) {
    if (
      options.budgetMs !== undefined &&
      samples.spentMs >= options.budgetMs &&
      samples.original.length >= minRounds
    ) {
      samples.cutShort = true;
      break;
    }
    for (const arm of round.order) {
      const started = performance.now();
      const value = await options.measure(arm, round);
      const wallMs = performance.now() - started;
      samples.spentMs += options.elapsedMs ? options.elapsedMs(arm, value, wallMs) : wallMs;
      if (!round.warmup) samples[arm].push(value);
    }
  }
  return samples;
}

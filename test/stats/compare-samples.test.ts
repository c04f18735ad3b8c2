import { describe, expect, it } from 'vitest';
import {
  calibrateNoiseFloor,
  compareSamples,
  estimateSpeedup,
  interleavedRounds,
  sampleInterleaved,
  syntheticPair,
} from '../../src/stats/index.js';

function verdictCounts(trueSpeedup: number, rounds: number, trials = 200) {
  const counts = { faster: 0, slower: 0, inconclusive: 0 };
  for (let trial = 0; trial < trials; trial++) {
    const { original, candidate } = syntheticPair({
      originalCost: 20,
      trueSpeedup,
      rounds,
      seed: 500 + trial,
    });
    counts[compareSamples(original, candidate, { minSpeedup: 0.1, seed: trial }).verdict]++;
  }
  return counts;
}

describe('estimateSpeedup against a known truth', () => {
  it('brackets the true ratio of medians in about 95% of trials', () => {
    let covered = 0;
    for (let trial = 0; trial < 200; trial++) {
      const { original, candidate } = syntheticPair({
        originalCost: 10,
        trueSpeedup: 1.5,
        rounds: 40,
        seed: trial,
        noise: { cv: 0.05, outlierRate: 0, outlierCost: 0, roundDrift: 0 },
      });
      const estimate = estimateSpeedup(original, candidate, { seed: trial });
      if (estimate.low <= 1.5 && 1.5 <= estimate.high) covered++;
    }
    // Percentile-bootstrap intervals of medians are slightly conservative or slightly liberal at n = 40.
    expect(covered / 200).toBeGreaterThan(0.88);
    expect(covered / 200).toBeLessThanOrEqual(1);
  });

  it('gives a stable, narrow interval for a seeded sample', () => {
    const { original, candidate } = syntheticPair({
      originalCost: 20,
      trueSpeedup: 1.2,
      rounds: 30,
      seed: 1,
    });
    const estimate = estimateSpeedup(original, candidate, { seed: 1 });
    expect(estimate.speedup).toBeGreaterThan(1.15);
    expect(estimate.speedup).toBeLessThan(1.25);
    expect(estimate.high - estimate.low).toBeLessThan(0.08);
    expect(estimate.resamples).toBeGreaterThanOrEqual(2000);
  });
});

describe('compareSamples', () => {
  it('almost never calls identical code faster (A/A)', () => {
    const counts = verdictCounts(1, 30);
    expect(counts.faster).toBeLessThanOrEqual(2);
    expect(counts.slower).toBeLessThanOrEqual(10);
  });

  it('calls a true 20% speedup faster at least 95% of the time with 30 rounds', () => {
    expect(verdictCounts(1.2, 30).faster).toBeGreaterThanOrEqual(190);
  });

  it('does not call a true 5% speedup faster when 10% is required', () => {
    expect(verdictCounts(1.05, 30).faster).toBe(0);
  });

  it('calls a true 20% slowdown slower', () => {
    expect(verdictCounts(1 / 1.2, 30).slower).toBeGreaterThanOrEqual(190);
  });

  it('raises the threshold to the noise floor', () => {
    const { original, candidate } = syntheticPair({
      originalCost: 20,
      trueSpeedup: 1.2,
      rounds: 30,
      seed: 3,
    });
    const plain = compareSamples(original, candidate, { minSpeedup: 0.1 });
    expect(plain).toMatchObject({ verdict: 'faster', threshold: 1.1 });
    const noisy = compareSamples(original, candidate, { minSpeedup: 0.1, noiseFloor: 1.3 });
    expect(noisy).toMatchObject({ verdict: 'inconclusive', threshold: 1.3 });
    expect(noisy.reason).toMatch(/does not clear 1\.300x/);
  });

  it('needs the U test to agree', () => {
    // Medians 2 vs 1 but the samples interleave: the bootstrap interval is wide, the U test unconvinced.
    const original = [1, 1, 1, 2, 2, 2, 9, 9];
    const candidate = [0.5, 0.5, 1, 1, 1, 2, 2, 9];
    const result = compareSamples(original, candidate, { minSpeedup: 0, seed: 1 });
    expect(result.uTest.pValue).toBeGreaterThan(0.05);
    expect(result.verdict).toBe('inconclusive');
  });
});

describe('calibrateNoiseFloor', () => {
  it('stays near 1 for identical arms and catches a position bias', () => {
    const same = syntheticPair({ originalCost: 20, trueSpeedup: 1, rounds: 30, seed: 11 });
    const floor = calibrateNoiseFloor(same.original, same.candidate, { seed: 1 }).noiseFloor;
    expect(floor).toBeGreaterThanOrEqual(1);
    expect(floor).toBeLessThan(1.06);
    // The second arm always runs 8% faster although the code is the same (e.g. a warmer cache).
    const biased = syntheticPair({ originalCost: 20, trueSpeedup: 1.08, rounds: 30, seed: 12 });
    const biasedFloor = calibrateNoiseFloor(biased.original, biased.candidate, { seed: 1 }).noiseFloor;
    expect(biasedFloor).toBeGreaterThan(1.08);
    expect(biasedFloor).toBeLessThan(1.15);
  });
});

describe('interleaved protocol', () => {
  it('alternates the order and marks warm-ups', () => {
    const rounds = interleavedRounds({ rounds: 3, warmupRounds: 2 });
    expect(rounds.map((r) => [r.warmup, r.order[0]])).toEqual([
      [true, 'original'],
      [true, 'candidate'],
      [false, 'original'],
      [false, 'candidate'],
      [false, 'original'],
    ]);
    expect(() => interleavedRounds({ rounds: 0 })).toThrow(/positive integer/);
  });

  it('discards warm-ups and stops at the budget', async () => {
    const calls: string[] = [];
    const samples = await sampleInterleaved({
      rounds: 100,
      warmupRounds: 1,
      minRounds: 3,
      budgetMs: 50,
      measure: (arm, round) => {
        calls.push(`${round.index}${arm[0]}`);
        return round.index;
      },
      elapsedMs: () => 5,
    });
    expect(calls.slice(0, 4)).toEqual(['0o', '0c', '1c', '1o']);
    expect(samples.original[0]).toBe(1);
    expect(samples.original).toHaveLength(4);
    expect(samples).toMatchObject({ spentMs: 50, cutShort: true });
  });
});

import { describe, expect, it } from 'vitest';
import {
  calibrateNoiseFloor,
  compareSamples,
  estimatePairedSpeedup,
  mannWhitneyU,
  type NoiseModel,
  syntheticPair,
  wilcoxonSignedRank,
} from '../../src/stats/index.js';

// A loaded machine: each round runs up to ~30% slower or faster than the next (other tenants come and go), and
// one sample in twenty is still hit by an interruption after the runner kept each side's fastest batch.
const loadedMachine: NoiseModel = { cv: 0.02, outlierRate: 0.05, outlierCost: 1, roundDrift: 0.3 };

describe('estimatePairedSpeedup', () => {
  it('needs one sample of each side per round', () => {
    expect(() => estimatePairedSpeedup([1, 2, 3], [1, 2, 3, 4])).toThrow(/one of each side per round/);
    expect(() => estimatePairedSpeedup([1, 2], [1, 2])).toThrow(/at least 3/);
  });

  it('takes the median of the per-round ratios', () => {
    const estimate = estimatePairedSpeedup([10, 20, 40, 80, 160], [5, 10, 20, 40, 1000], { seed: 1 });
    expect(estimate.speedup).toBe(2);
  });

  it('cancels the drift shared by both sides of a round', () => {
    const { original, candidate } = syntheticPair({
      originalCost: 10,
      trueSpeedup: 1.2,
      rounds: 30,
      seed: 4,
      noise: loadedMachine,
    });
    const estimate = estimatePairedSpeedup(original, candidate, { seed: 4 });
    expect(estimate.low).toBeLessThanOrEqual(1.2);
    expect(estimate.high).toBeGreaterThanOrEqual(1.2);
    expect(estimate.high - estimate.low).toBeLessThan(0.15);
  });
});

describe('paired comparisons of identical code', () => {
  it('never calls identical code faster, across many seeds, on a quiet or a loaded machine', () => {
    for (const noise of [undefined, loadedMachine]) {
      let faster = 0;
      for (let seed = 0; seed < 400; seed++) {
        const aa = syntheticPair({ originalCost: 5, trueSpeedup: 1, rounds: 30, seed: 9000 + seed, noise });
        const floor = calibrateNoiseFloor(aa.original, aa.candidate, { seed, paired: true }).noiseFloor;
        const { original, candidate } = syntheticPair({
          originalCost: 5,
          trueSpeedup: 1,
          rounds: 30,
          seed: 20_000 + seed,
          noise,
        });
        const verdict = compareSamples(original, candidate, {
          minSpeedup: 0,
          noiseFloor: floor,
          seed,
          paired: true,
        }).verdict;
        if (verdict === 'faster') faster++;
      }
      expect(faster).toBe(0);
    }
  });

  it('gives a floor within 5% on a loaded machine, where unpaired medians cannot', () => {
    const floors = { paired: [] as number[], unpaired: [] as number[] };
    for (let seed = 0; seed < 20; seed++) {
      const { original, candidate } = syntheticPair({
        originalCost: 5,
        trueSpeedup: 1,
        rounds: 30,
        seed: 700 + seed,
        noise: loadedMachine,
      });
      floors.paired.push(calibrateNoiseFloor(original, candidate, { seed, paired: true }).noiseFloor);
      floors.unpaired.push(calibrateNoiseFloor(original, candidate, { seed }).noiseFloor);
    }
    expect(Math.max(...floors.paired)).toBeLessThanOrEqual(1.05);
    expect(Math.min(...floors.unpaired)).toBeGreaterThan(1.05);
  });

  it('still finds a true 20% speedup on a loaded machine', () => {
    let faster = 0;
    for (let seed = 0; seed < 100; seed++) {
      const aa = syntheticPair({
        originalCost: 5,
        trueSpeedup: 1,
        rounds: 30,
        seed: 300 + seed,
        noise: loadedMachine,
      });
      const noiseFloor = calibrateNoiseFloor(aa.original, aa.candidate, { seed, paired: true }).noiseFloor;
      const ab = syntheticPair({
        originalCost: 5,
        trueSpeedup: 1.2,
        rounds: 30,
        seed: 500 + seed,
        noise: loadedMachine,
      });
      const comparison = compareSamples(ab.original, ab.candidate, {
        minSpeedup: 0.1,
        noiseFloor,
        seed,
        paired: true,
      });
      if (comparison.verdict === 'faster') faster++;
    }
    expect(faster).toBeGreaterThanOrEqual(90);
  });
});

describe('wilcoxonSignedRank', () => {
  it('sees a small shift that every round shows, despite a drift larger than the shift', () => {
    const drift = [1, 1.5, 0.7, 1.3, 0.8, 1.2, 0.9, 1.4, 0.6, 1.1, 1, 1.25];
    const original = drift.map((d) => 10.5 * d);
    const candidate = drift.map((d, i) => 10 * d * (1 + (i % 3) * 0.001));
    const paired = wilcoxonSignedRank(original, candidate);
    expect(paired.pValue).toBeLessThan(0.01);
    expect(paired.probabilityGreater).toBe(1);
    expect(mannWhitneyU(original, candidate).pValue).toBeGreaterThan(0.5);
  });

  it('finds nothing in identical rounds', () => {
    expect(wilcoxonSignedRank([1, 2, 3], [1, 2, 3])).toMatchObject({ pValue: 1, probabilityGreater: 0.5 });
    expect(() => wilcoxonSignedRank([1, 2], [1])).toThrow(/paired/);
  });
});

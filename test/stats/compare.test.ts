import { describe, expect, it } from 'vitest';
import { estimateSpeedup, median, seededRandom, verdictOf } from '../../src/stats/index.js';

function noisy(center: number, spread: number, count: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => center * (1 + (random() - 0.5) * spread));
}

describe('median', () => {
  it('takes the middle value or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});

describe('estimateSpeedup', () => {
  it('brackets a clear 2x speedup and calls it faster', () => {
    const estimate = estimateSpeedup(noisy(200, 0.1, 30, 1), noisy(100, 0.1, 30, 2));
    expect(estimate.speedup).toBeGreaterThan(1.8);
    expect(estimate.speedup).toBeLessThan(2.2);
    expect(estimate.low).toBeLessThanOrEqual(estimate.speedup);
    expect(estimate.high).toBeGreaterThanOrEqual(estimate.speedup);
    expect(verdictOf(estimate, 0.1)).toBe('faster');
  });

  it('calls equal distributions inconclusive, not faster', () => {
    const estimate = estimateSpeedup(noisy(100, 0.2, 30, 3), noisy(100, 0.2, 30, 4));
    expect(estimate.low).toBeLessThan(1.1);
    expect(verdictOf(estimate, 0.1)).toBe('inconclusive');
  });

  it('calls a clearly slower candidate slower', () => {
    expect(verdictOf(estimateSpeedup(noisy(100, 0.1, 30, 5), noisy(150, 0.1, 30, 6)), 0.1)).toBe('slower');
  });

  it('does not call a 5% gain faster when 10% is required', () => {
    const estimate = estimateSpeedup(noisy(105, 0.01, 40, 7), noisy(100, 0.01, 40, 8));
    expect(estimate.speedup).toBeCloseTo(1.05, 1);
    expect(verdictOf(estimate, 0.1)).toBe('inconclusive');
    expect(verdictOf(estimate, 0.02)).toBe('faster');
  });

  it('is reproducible for a seed', () => {
    const a = noisy(100, 0.5, 20, 9);
    const b = noisy(90, 0.5, 20, 10);
    expect(estimateSpeedup(a, b, { seed: 42 })).toEqual(estimateSpeedup(a, b, { seed: 42 }));
  });

  it('refuses to compare too few samples', () => {
    expect(() => estimateSpeedup([1, 2], [1, 2, 3])).toThrow(/at least 3/);
  });
});

import { describe, expect, it } from 'vitest';
import { complexityLabel, fitComplexity, logLogSlope } from '../../src/stats/index.js';

/** Time per call of a version costing `perElement` × n^exponent plus a constant per-call overhead. */
function points(exponent: number, perElementNs: number, overheadNs: number, sizes = [50, 500, 5000]) {
  return sizes.map((n) => ({ n, ns: overheadNs + perElementNs * n ** exponent }));
}

describe('fitComplexity', () => {
  it('recovers the exponent of a pure power law', () => {
    expect(logLogSlope(points(2, 1, 0))).toBeCloseTo(2, 10);
    expect(fitComplexity(points(1, 30, 0))?.exponent).toBeCloseTo(1, 10);
  });

  it('leaves out sizes dominated by the per-call overhead, and says which sizes it used', () => {
    // A linear function at 20 ns an element behind a 2 µs call overhead: over all three sizes the slope reads
    // about 0.77; over the sizes timed above 5 µs it is close to 1.
    const linear = points(1, 20, 2_000);
    expect(logLogSlope(linear)).toBeLessThan(0.8);
    const fit = fitComplexity(linear);
    expect(fit?.sizes).toEqual([500, 5000]);
    expect(fit?.nearOverhead).toBe(false);
    expect(fit?.exponent).toBeGreaterThan(0.85);
    expect(fit?.exponent).toBeLessThan(1.05);
  });

  it('fits over the largest sizes only', () => {
    const fit = fitComplexity(points(2, 1, 0, [10, 100, 1000, 10_000, 100_000]), { maxPoints: 3 });
    expect(fit?.sizes).toEqual([1000, 10_000, 100_000]);
  });

  it('falls back to the two largest sizes when fewer than two clear the overhead threshold, and flags it', () => {
    const fit = fitComplexity(points(1, 1, 100));
    expect(fit?.sizes).toEqual([500, 5000]);
    expect(fit?.nearOverhead).toBe(true);
  });

  it('needs two distinct sizes with positive times', () => {
    expect(fitComplexity([{ n: 50, ns: 1000 }])).toBeUndefined();
    expect(
      fitComplexity([
        { n: 50, ns: 1000 },
        { n: 50, ns: 2000 },
      ]),
    ).toBeUndefined();
    expect(
      fitComplexity([
        { n: 50, ns: 0 },
        { n: 500, ns: 2000 },
      ]),
    ).toBeUndefined();
  });
});

describe('complexityLabel', () => {
  it('rounds to the nearest half power', () => {
    expect(complexityLabel(2.04)).toBe('~n²');
    expect(complexityLabel(1.13)).toBe('~n');
    expect(complexityLabel(0.1)).toBe('~1');
    expect(complexityLabel(1.6)).toBe('~n^1.5');
    expect(complexityLabel(2.9)).toBe('~n³');
    expect(complexityLabel(-0.3)).toBe('~1');
  });
});

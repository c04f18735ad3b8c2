import { describe, expect, it } from 'vitest';
import {
  type ComplexityFit,
  compareSamples,
  decideVerdict,
  type SampleComparison,
  syntheticPair,
} from '../../src/stats/index.js';

/** A paired comparison of two versions whose true speedup is `trueSpeedup`, under a shared runner's noise. */
function comparison(trueSpeedup: number, seed = 1): SampleComparison {
  const { original, candidate } = syntheticPair({ originalCost: 100, trueSpeedup, rounds: 30, seed });
  return compareSamples(original, candidate, { minSpeedup: 0.1, paired: true, seed });
}

const fit = (exponent: number): ComplexityFit => ({ exponent, sizes: [500, 5000], nearOverhead: false });

describe('decideVerdict (the one verdict policy)', () => {
  it('suggests a quadratic-to-linear fix that only wins on grown inputs', () => {
    const decision = decideVerdict({
      own: comparison(1.0),
      scales: [
        { factor: 10, n: 50, comparison: comparison(1.5) },
        { factor: 1000, n: 5000, comparison: comparison(300) },
        { factor: 100, n: 500, comparison: comparison(30) },
      ],
      complexity: { original: fit(2.02), candidate: fit(1.04) },
    });
    expect(decision.outcome).toBe('suggest');
    expect(decision.basis.factor).toBe(1000);
    expect(decision.basis.n).toBe(5000);
    expect(decision.basis.estimate.speedup).toBeGreaterThan(200);
    expect(decision.reason).toMatch(/faster at n = 5000 \(scaled ×1000 from recorded calls\)/);
  });

  it('never suggests a candidate asymptotically worse than the original, however fast it is at n = 5', () => {
    const decision = decideVerdict({
      own: comparison(2),
      scales: [
        { factor: 10, n: 50, comparison: comparison(1.3) },
        { factor: 100, n: 500, comparison: comparison(1.2) },
      ],
      complexity: { original: fit(1.0), candidate: fit(1.3) },
    });
    expect(decision.outcome).toBe('asymptotically-worse');
    expect(decision.reason).toMatch(/~n\^1\.5 \(1\.30\) against the original's ~n \(1\.00\).*n = 500–5000/);
  });

  it('allows an exponent up to 0.25 above the original', () => {
    const decision = decideVerdict({
      own: comparison(1.5),
      scales: [{ factor: 100, n: 500, comparison: comparison(1.5) }],
      complexity: { original: fit(1.0), candidate: fit(1.2) },
    });
    expect(decision.outcome).toBe('suggest');
  });

  it('blocks a candidate significantly slower on the tests own inputs by more than 5%', () => {
    const decision = decideVerdict({
      own: comparison(0.7),
      scales: [{ factor: 1000, n: 5000, comparison: comparison(3) }],
    });
    expect(decision.outcome).toBe('regression');
    expect(decision.reason).toMatch(/slower on the tests' own inputs by more than 5%/);
  });

  it('does not block on a slowdown within 5% on the tests own inputs', () => {
    const { original, candidate } = syntheticPair({
      originalCost: 100,
      trueSpeedup: 0.98,
      rounds: 60,
      seed: 3,
      noise: { cv: 0.002, outlierRate: 0, outlierCost: 0, roundDrift: 0 },
    });
    const own = compareSamples(original, candidate, { minSpeedup: 0.1, paired: true });
    expect(own.verdict).toBe('slower');
    const decision = decideVerdict({ own, scales: [{ factor: 100, n: 500, comparison: comparison(2) }] });
    expect(decision.outcome).toBe('suggest');
  });

  it('rests on the largest scale: faster on small inputs but not at the largest is not suggested', () => {
    const decision = decideVerdict({
      own: comparison(2),
      scales: [
        { factor: 10, n: 50, comparison: comparison(1.6) },
        { factor: 1000, n: 5000, comparison: comparison(1) },
      ],
    });
    expect(decision.outcome).toBe('not-faster');
    expect(decision.reason).toMatch(/^not significantly faster at n = 5000/);
  });

  it("without grown inputs, decides on the tests' own inputs", () => {
    expect(decideVerdict({ own: comparison(1.6), scales: [] })).toMatchObject({
      outcome: 'suggest',
      basis: { factor: 1 },
    });
    expect(decideVerdict({ own: comparison(1.02), scales: [] }).reason).toMatch(
      /^not significantly faster at the tests' own inputs/,
    );
  });
});

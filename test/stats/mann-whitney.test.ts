import { describe, expect, it } from 'vitest';
import { erfc, mannWhitneyU, normalCdf, seededRandom } from '../../src/stats/index.js';

describe('erfc and normalCdf', () => {
  it('match tabulated values', () => {
    expect(erfc(0)).toBeCloseTo(1, 6);
    expect(erfc(1)).toBeCloseTo(0.157299207, 6);
    expect(erfc(2)).toBeCloseTo(0.004677735, 7);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 5);
  });
});

describe('mannWhitneyU', () => {
  it('matches the textbook asymptotic test on fully separated samples', () => {
    // scipy.stats.mannwhitneyu([1,2,3], [4,5,6], method='asymptotic'): U=0, p=0.0808556
    const result = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(result.u).toBe(0);
    expect(result.pValue).toBeCloseTo(0.0808556, 5);
    expect(result.probabilityGreater).toBe(0);
    expect(mannWhitneyU([4, 5, 6], [1, 2, 3])).toMatchObject({ u: 9, probabilityGreater: 1 });
  });

  it('corrects for ties', () => {
    // Average ranks 1.5 1.5 4 4 | 4 7 7 7, so U = 11 - 10 = 1; tie groups 2, 3, 3 give
    // var = 16/12 · (9 - 54/56) = 10.7143, z = (8 - 1 - 0.5) / 3.2733 = 1.98578, p = 0.047057
    // (without the tie correction var would be 12 and p = 0.0606).
    const result = mannWhitneyU([1, 1, 2, 2], [2, 3, 3, 3]);
    expect(result.u).toBe(1);
    expect(result.pValue).toBeCloseTo(0.047057, 5);
  });

  it('gives p = 1 when every value is the same', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5])).toMatchObject({ u: 3, z: 0, pValue: 1 });
  });

  it('rejects at the nominal rate when both samples come from one distribution', () => {
    const random = seededRandom(7);
    let rejections = 0;
    for (let trial = 0; trial < 400; trial++) {
      const draw = () => Array.from({ length: 20 }, () => -Math.log(1 - random()));
      if (mannWhitneyU(draw(), draw()).pValue < 0.05) rejections++;
    }
    expect(rejections / 400).toBeGreaterThan(0.02);
    expect(rejections / 400).toBeLessThan(0.08);
  });

  it('detects a shift of one standard deviation almost always with 20 samples a side', () => {
    const random = seededRandom(8);
    let rejections = 0;
    for (let trial = 0; trial < 200; trial++) {
      const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      const a = Array.from({ length: 20 }, () => normal() + 1);
      const b = Array.from({ length: 20 }, () => normal());
      if (mannWhitneyU(a, b).pValue < 0.05) rejections++;
    }
    // Power of the two-sided test at d = 1, n = 20: about 0.87.
    expect(rejections / 200).toBeGreaterThan(0.78);
    expect(rejections / 200).toBeLessThan(0.95);
  });
});

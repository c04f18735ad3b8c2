import { erfc, type UTestResult } from './mann-whitney.js';

/**
 * Wilcoxon signed-rank test on paired samples (sample i of each side from the same round), two-sided, normal
 * approximation with tie and continuity correction, on log ratios so that it does not depend on the scale. The
 * paired counterpart of the U test: a drift shared by both sides of a round does not weaken it. `u` holds W+
 * (rank sum of the rounds where the first side was larger); `probabilityGreater` the share of such rounds.
 */
export function wilcoxonSignedRank(first: readonly number[], second: readonly number[]): UTestResult {
  if (first.length !== second.length) throw new Error('the signed-rank test needs paired samples');
  if (first.length === 0) throw new Error('the signed-rank test needs samples');
  const differences = first.map((value, i) => Math.log(value / (second[i] as number)));
  const greater = differences.filter((d) => d > 0).length;
  const ties = differences.filter((d) => d === 0).length;
  const nonZero = differences.filter((d) => d !== 0).sort((a, b) => Math.abs(a) - Math.abs(b));
  const n = nonZero.length;
  let positiveRanks = 0;
  let tieTerm = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && Math.abs(nonZero[end] as number) === Math.abs(nonZero[start] as number)) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) if ((nonZero[i] as number) > 0) positiveRanks += averageRank;
    const tied = end - start;
    tieTerm += tied ** 3 - tied;
    start = end;
  }
  const mean = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  const distance = Math.max(0, Math.abs(positiveRanks - mean) - 0.5);
  const z = variance > 0 ? (Math.sign(positiveRanks - mean) * distance) / Math.sqrt(variance) : 0;
  return {
    u: positiveRanks,
    z,
    pValue: variance > 0 ? Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) : 1,
    probabilityGreater: (greater + ties / 2) / first.length,
  };
}

/** One measured scale of one version: n (input size) and the time per call at that size. */
export interface ComplexityPoint {
  n: number;
  ns: number;
}

/** A version's empirical complexity: the slope of log(time) against log(n), and the sizes it rests on. */
export interface ComplexityFit {
  exponent: number;
  /** The sizes the fit used (ascending): only those timed well above the per-call overhead, the largest first. */
  sizes: number[];
  /** True when fewer than two sizes cleared `minNs`, so the fit had to use sizes close to the overhead. */
  nearOverhead: boolean;
}

export interface FitOptions {
  /**
   * Points faster than this per call are left out: at small sizes a constant per-call cost (the call itself, the
   * timing loop) dominates and flattens or steepens the slope (a linear function fitted 1.36 over n = 50–5000).
   */
  minNs?: number;
  /** Fit over at most this many of the largest sizes. */
  maxPoints?: number;
}

export const defaultMinFitNs = 5_000;

/**
 * Least-squares slope of ln(ns) against ln(n) over the largest sizes timed above `minNs` (at least two sizes;
 * when fewer clear it, the two largest). Undefined with fewer than two distinct sizes or a non-positive time.
 */
export function fitComplexity(
  points: readonly ComplexityPoint[],
  options: FitOptions = {},
): ComplexityFit | undefined {
  const minNs = options.minNs ?? defaultMinFitNs;
  const maxPoints = Math.max(2, options.maxPoints ?? 3);
  const usable = [...points]
    .filter((p) => p.n > 0 && p.ns > 0 && Number.isFinite(p.n) && Number.isFinite(p.ns))
    .sort((a, b) => a.n - b.n);
  const distinct = usable.filter((p, i) => i === 0 || p.n !== (usable[i - 1] as ComplexityPoint).n);
  if (distinct.length < 2) return undefined;
  const above = distinct.filter((p) => p.ns >= minNs);
  const nearOverhead = above.length < 2;
  const chosen = nearOverhead ? distinct.slice(-2) : above.slice(-maxPoints);
  return { exponent: logLogSlope(chosen), sizes: chosen.map((p) => p.n), nearOverhead };
}

/** Ordinary least-squares slope of ln(ns) on ln(n). */
export function logLogSlope(points: readonly ComplexityPoint[]): number {
  const xs = points.map((p) => Math.log(p.n));
  const ys = points.map((p) => Math.log(p.ns));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const mx = mean(xs);
  const my = mean(ys);
  let covariance = 0;
  let variance = 0;
  for (let i = 0; i < xs.length; i++) {
    covariance += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    variance += ((xs[i] as number) - mx) ** 2;
  }
  return covariance / variance;
}

const superscripts: Record<string, string> = { '2': '²', '3': '³', '4': '⁴' };

/**
 * "~n²", "~n", "~1", "~n^1.5": the exponent rounded to the nearest half, which is all a fit over a few sizes
 * can tell (n log n fits about 1.1–1.2 over n = 50–5000 and reads "~n").
 */
export function complexityLabel(exponent: number): string {
  const rounded = Math.max(0, Math.round(exponent * 2) / 2);
  if (rounded === 0) return '~1';
  if (rounded === 1) return '~n';
  if (Number.isInteger(rounded)) return `~n${superscripts[String(rounded)] ?? `^${rounded}`}`;
  return `~n^${rounded}`;
}

export { fenceFor } from '../fence.js';
export function formatDuration(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${Math.round(ns)} ns`;
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

/** "95% CI 1.60–2.00×". */
export function ciText(estimate: { low: number; high: number; confidence: number }): string {
  return `${Math.round(estimate.confidence * 100)}% CI ${estimate.low.toFixed(2)}–${formatRatio(estimate.high)}`;
}

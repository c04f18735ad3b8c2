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

/** Markdown inline code that survives backticks in the text. */
export function inlineCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** Table cells cannot hold pipes or line breaks. */
export function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * Text from a report someone else wrote (a fork's workflow run): one line, capped, and unable to link,
 * mention, embed HTML or format. Table pipes are left to `tableCell`.
 */
export function inertText(text: string, max = 500): string {
  const line = text.replace(/\p{Cc}+/gu, ' ').slice(0, max);
  return line
    .replace(/[\\`*_{}[\]<>()#+!~]/g, '\\$&')
    .replace(/@/g, '@\u200b')
    .replace(/:\/\//g, ':/\u200b/')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200b.`);
}

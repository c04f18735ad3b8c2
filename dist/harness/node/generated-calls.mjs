// Runs inside the sandbox: reads the inputs the model's generator wrote (workload-generator.mjs, plain data only)
// and keeps, size by size, those the original handles the way scaled-calls.mjs keeps grown inputs: no exception,
// the same outcome twice, within the per-pass time budget. A size that fails stops the series.
import { readFrames } from './frames.mjs';

/**
 * Returns { scales: [{ factor: n, source: 'model', calls: [{ record, index, n, mode }] }], notes }, smallest n first;
 * `factor` holds the generator's n, the size the model was asked for.
 */
export async function deriveGeneratedCalls({ workload, original, outcome, difference }) {
  const bySize = new Map();
  for (const { n, pre } of readFrames(workload.file)) {
    if (!bySize.has(n)) bySize.set(n, []);
    bySize.get(n).push(pre);
  }
  const scales = [];
  const notes = [];
  for (const [n, frames] of [...bySize].sort((a, b) => a[0] - b[0])) {
    const calls = [];
    let spentNs = 0;
    let stop;
    for (const [index, pre] of frames.entries()) {
      const record = { key: `generated-${n}-${index}`, pre, callbacks: [], followUps: [] };
      const started = process.hrtime.bigint();
      const first = await outcome(original, record);
      spentNs += Number(process.hrtime.bigint() - started);
      if (first.error) {
        stop = `the original throws ${first.error.type}: ${first.error.message.slice(0, 80)}`;
      } else if (spentNs > workload.budgetNs) {
        stop = `the original took ${(spentNs / 1e6).toFixed(1)} ms, over the budget`;
      } else if (difference(first, await outcome(original, record))) {
        stop = 'the original is not deterministic on them';
      }
      if (stop) break;
      calls.push({ record, index, n, mode: 'model' });
    }
    if (stop) {
      notes.push(`model-generated inputs at n = ${n}: dropped, ${stop}`);
      break;
    }
    scales.push({ factor: n, source: 'model', calls });
  }
  return { scales, notes };
}

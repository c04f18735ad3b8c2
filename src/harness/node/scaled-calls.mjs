// Runs inside the sandbox: derives larger calls from the recorded ones (×10, ×100, ×1000, see scale-inputs.mjs)
// and keeps only those the original handles: no exception (an input we made up that the function rejects says
// nothing about a candidate), the same outcome twice, and within the per-call time budget.
import { deserialize, serialize } from 'node:v8';
import { growArgs, inputSize } from './scale-inputs.mjs';

// Past this many elements a grown input costs more memory to build than its timing is worth.
const maxElements = 2_000_000;

async function timed(run) {
  const start = process.hrtime.bigint();
  const result = await run();
  return { result, ns: Number(process.hrtime.bigint() - start) };
}

/**
 * Scaled copies of up to `scale.maxCalls` recorded calls (the largest first), by factor. Calls with callbacks or
 * follow-up calls are not grown: their recorded answers only cover the recorded inputs. At each factor the
 * original's time over the kept calls stays within `scale.budgetNs` (one pass at that scale); a call that does not
 * fit, or that the original rejects, stops growing.
 * Returns { scales: [{ factor, calls: [{ record, index, n, mode }] }], notes: ['…why a scaled call was dropped'] }.
 */
export async function deriveScaledCalls({ calls, scale, original, outcome, difference }) {
  const notes = [];
  let growing = [];
  for (const [index, record] of calls.entries()) {
    if (record.callbacks.length > 0 || record.followUps.length > 0) continue;
    const raw = deserialize(record.pre);
    if (!Array.isArray(raw.args)) continue;
    const n = inputSize(raw.args);
    if (n > 0) growing.push({ record, index, raw, n });
  }
  growing.sort((a, b) => b.n - a.n);
  growing = growing.slice(0, scale.maxCalls);
  for (const call of growing) {
    const base = await timed(() => outcome(original, call.record));
    // A call that throws times the error path, which growing the input does not lengthen.
    call.previous = base.result.error ? undefined : { factor: 1, ns: base.ns };
  }
  growing = growing.filter((call) => call.previous);
  const scales = [];
  for (const factor of scale.factors) {
    const kept = [];
    let spentNs = 0;
    for (const call of growing) {
      const label = `×${factor} of call ${call.index}`;
      if (call.n * factor > maxElements) continue;
      // Past ×1000 only while a call is still too short for its complexity to be fitted (see defaults.ts).
      if (call.previous.factor >= 1000 && call.previous.ns >= scale.longEnoughNs) continue;
      // Not tried when even a linear cost would overrun the budget: a slower one would only take longer.
      if (spentNs + (call.previous.ns * factor) / call.previous.factor > scale.budgetNs) {
        notes.push(`${label}: not tried, over the ${scale.budgetNs / 1e6} ms budget of a pass`);
        continue;
      }
      const grown = await growCall(call, factor, scale.budgetNs - spentNs, original, outcome, difference);
      if (grown.note) notes.push(`${label}${grown.note}`);
      if (!grown.record) continue;
      spentNs += grown.ns;
      call.previous = { factor, ns: grown.ns };
      kept.push({ record: grown.record, index: call.index, n: call.n * factor, mode: grown.mode });
    }
    growing = growing.filter((call) => call.previous.factor === factor);
    if (kept.length > 0) scales.push({ factor, calls: kept });
  }
  return { scales, notes };
}

/** One call grown ×factor, fresh elements first, repeated ones as the fallback; or why neither is kept. */
async function growCall(call, factor, budgetNs, original, outcome, difference) {
  let note;
  for (const mode of ['fresh', 'repeat']) {
    const args = growArgs(call.raw.args, factor, mode);
    if (!args) break;
    const record = {
      ...call.record,
      pre: serialize({ args, receiver: call.raw.receiver }),
      callbacks: [],
      followUps: [],
      outcome: undefined,
    };
    const first = await timed(() => outcome(original, record));
    if (first.result.error) {
      const { type, message } = first.result.error;
      note ??= `: dropped, the original throws ${type}: ${message.slice(0, 80)}`;
      continue;
    }
    if (first.ns > budgetNs) {
      return { note: `: dropped, the original took ${(first.ns / 1e6).toFixed(1)} ms, over the budget` };
    }
    if (difference(first.result, await outcome(original, record))) {
      note ??= ': dropped, the original is not deterministic on it';
      continue;
    }
    return { record, ns: first.ns, mode };
  }
  return { note };
}

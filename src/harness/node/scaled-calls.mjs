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
 * fit, or that the original rejects, stops growing. `callNs(record)`, when given, times the original on one call
 * alone, its arguments unpacked beforehand (timed-replay's timeOnce).
 * Returns { scales: [{ factor, calls: [{ record, index, n, mode }] }], notes: ['…why a scaled call was dropped'] }.
 */
export async function deriveScaledCalls({ calls, scale, original, outcome, difference, callNs }) {
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
    call.previous = base.result.error ? undefined : { factor: 1, ns: base.ns, callNs: base.ns };
  }
  growing = growing.filter((call) => call.previous);
  const scales = [];
  for (const factor of scale.factors) {
    // Past ×1000 only while the calls are still too short, on average, for their complexity to be fitted (see
    // defaults.ts): decided for all of them at once, so that the larger scale times the same calls.
    if (factor > 1000 && mean(growing.map((call) => call.previous.callNs)) >= scale.longEnoughNs) break;
    const kept = [];
    let spentNs = 0;
    for (const call of growing) {
      const label = `×${factor} of call ${call.index}`;
      if (call.n * factor > maxElements) continue;
      // Not tried when even a linear cost would overrun the budget: a slower one would only take longer.
      if (spentNs + (call.previous.ns * factor) / call.previous.factor > scale.budgetNs) {
        notes.push(`${label}: not tried, over the ${scale.budgetNs / 1e6} ms budget of a pass`);
        continue;
      }
      const grown = await growCall(call, factor, scale.budgetNs - spentNs, original, outcome, difference);
      if (grown.note) notes.push(`${label}${grown.note}`);
      if (!grown.record) continue;
      spentNs += grown.ns;
      call.previous = {
        factor,
        ns: grown.ns,
        callNs: callNs ? await warmNs(callNs, grown.record) : grown.ns,
      };
      kept.push({ record: grown.record, index: call.index, n: call.n * factor, mode: grown.mode });
    }
    growing = growing.filter((call) => call.previous.factor === factor);
    if (kept.length > 0) scales.push({ factor, calls: kept });
  }
  return { scales, notes };
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/**
 * The fastest of a few timings of the call alone: a first run includes compiling for the new size, and a run
 * through `outcome` unpacking the arguments, which for a cheap call over a large input costs more than the call.
 */
async function warmNs(callNs, record) {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) fastest = Math.min(fastest, await callNs(record));
  return fastest;
}

/**
 * The grown scales to time, every one over the same calls: those of the scale with the largest input, which the
 * verdict rests on. A mean per call over different calls at different sizes is no complexity: dedupe's quadratic
 * original fitted 1.72 when its string call stopped at ×100 and its number call grew on. Calls missing from that
 * scale are left out of the smaller ones, and larger factors without all its calls are left out. Every grown call was
 * checked against the original before this; model-generated scales are left as they are.
 */
export function sameCallsAtEveryScale(scales, notes) {
  const grown = scales.filter((s) => !s.source);
  if (grown.length === 0) return scales;
  const largestN = (s) => Math.max(...s.calls.map((c) => c.n));
  const top = grown.reduce((best, s) => (largestN(s) >= largestN(best) ? s : best));
  const kept = new Set(top.calls.map((c) => c.index));
  const complete = (s) => top.calls.every((c) => s.calls.some((d) => d.index === c.index));
  const left = new Set(grown.flatMap((s) => s.calls.filter((c) => !kept.has(c.index)).map((c) => c.index)));
  const where = `n = ${largestN(top)} (×${top.factor})`;
  if (left.size > 0) {
    const which = [...left].sort((a, b) => a - b).join(', ');
    notes.push(
      `call${left.size > 1 ? 's' : ''} ${which}: checked as grown, not timed: every timed size repeats the calls of ${where}`,
    );
  }
  const dropped = grown.filter((s) => !complete(s));
  if (dropped.length > 0) {
    notes.push(
      `${dropped.map((s) => `×${s.factor}`).join(', ')}: checked, not timed: without all the calls of ${where}`,
    );
  }
  return scales
    .filter((s) => s.source || complete(s))
    .map((s) => {
      if (s.source) return s;
      const calls = s.calls.filter((c) => kept.has(c.index));
      return { ...s, calls, passNs: calls.reduce((sum, c) => sum + (c.passNs ?? 0), 0) };
    });
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

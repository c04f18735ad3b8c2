// Runs inside the sandbox, in the verify runner: per-call memory, measured in rounds like time so that it gets an
// interval and an A/A floor (src/stats/compare-samples.ts). python/afterburner_memory.py does the same with
// tracemalloc.
// - a call's peak is the heap's high-water mark during it above where it started: V8 keeps no peak, so the heap is
//   read after the call and, through a GCProfiler, just before every collection that ran during it (the heap is
//   at its fullest then). Garbage counts until a collection frees it, so this is what the call made the heap hold.
// - its memory-time integral is that peak times the call's own time in the same replay: an upper bound of what a
//   sampler would integrate, tight for code that holds its memory for the whole call.
// - a round replays every call `samples` times per side, the side drawn at random first, and keeps each call's
//   smallest peak and shortest time: what else runs on the heap (an optimized compile finishing, the tiers' boxed
//   numbers) only ever adds bytes, as preemption only adds time. A side's value for the round is the mean over
//   the calls.
import v8 from 'node:v8';

function heapBytes() {
  const stats = v8.getHeapStatistics();
  return stats.used_heap_size + stats.external_memory;
}

async function peakOfCall(call) {
  // A minor collection empties the young generation, where a call's allocations land: 0.1–0.2 ms, where a full one
  // takes 5–17 ms. Older garbage stays, but only a full collection, caught below like any other, would free it.
  globalThis.gc?.({ type: 'minor' });
  const profiler = new v8.GCProfiler();
  const before = heapBytes();
  profiler.start();
  const started = process.hrtime.bigint();
  try {
    const returned = call();
    if (returned && typeof returned.then === 'function') await returned;
  } catch {
    // Thrown errors are behaviour; the differential check compared them.
  }
  const ns = Number(process.hrtime.bigint() - started);
  let peak = heapBytes();
  for (const event of profiler.stop()?.statistics ?? []) {
    const heap = event.beforeGC.heapStatistics;
    peak = Math.max(peak, heap.usedHeapSize + heap.externalMemory);
  }
  return { bytes: Math.max(0, peak - before), ns };
}

/**
 * `rounds` rounds of every call `samples` times per side. `prepare(entry, record)` rebuilds a call's arguments (outside the
 * measurement) and returns the call; `during(entry, fn)` runs candidate code under the tripwire.
 * Returns per-round means: { originalBytes, candidateBytes, originalByteNs, candidateByteNs }.
 */
export async function measureMemory({
  original,
  candidate,
  records,
  rounds,
  seed,
  prepare,
  during,
  samples = 3,
}) {
  const result = { originalBytes: [], candidateBytes: [], originalByteNs: [], candidateByteNs: [] };
  let order = seed >>> 0 || 1;
  for (let round = 0; round < rounds; round++) {
    order = (Math.imul(order, 1103515245) + 12345) >>> 0;
    const sides = (order & 0x10000) === 0 ? [original, candidate] : [candidate, original];
    for (const entry of sides) {
      let bytes = 0;
      let byteNs = 0;
      for (const record of records) {
        let least;
        for (let sample = 0; sample < samples; sample++) {
          let call;
          try {
            call = prepare(entry, record);
          } catch {
            break;
          }
          const measured = await during(entry, () => peakOfCall(call));
          least = {
            bytes: Math.min(least?.bytes ?? Number.POSITIVE_INFINITY, measured.bytes),
            ns: Math.min(least?.ns ?? Number.POSITIVE_INFINITY, measured.ns),
          };
        }
        if (!least) continue;
        bytes += least.bytes;
        byteNs += least.bytes * least.ns;
      }
      const side = entry === original ? 'original' : 'candidate';
      result[`${side}Bytes`].push(bytes / records.length);
      result[`${side}ByteNs`].push(byteNs / records.length);
    }
  }
  return result;
}

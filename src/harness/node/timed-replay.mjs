// Runs inside the sandbox, in the verify runner: replays of recorded calls for timing (nothing compared), in
// batches whose arguments are unpacked before the clock starts, and one by one for the memory pass.
import { clockElapsed, clockStart } from './cpu-clock.mjs';
import { materialize } from './recorded-calls.mjs';
import { invoker, settle } from './replay-outcome.mjs';
import { spec } from './replay-spec.mjs';

/** Follow-up calls with their arguments decoded ahead of time, so that decoding is not timed. */
function prepareFollowUps(records) {
  return records.map((record) => ({
    member: record.member,
    args: materialize(record).args,
    followUps: prepareFollowUps(record.followUps),
  }));
}

async function runFollowUps(value, prepared) {
  for (const next of prepared) {
    const fn = next.member === undefined ? value : value?.[next.member];
    const result = await settle(fn.apply(next.member === undefined ? undefined : value, next.args));
    if (next.followUps.length > 0) await runFollowUps(result, next.followUps);
  }
}

/** One replay of a recorded call and of the calls made to what it returned, for timing (nothing compared). */
export function timedCall(entry, record) {
  const { call } = invoker(entry, record);
  const followUps = prepareFollowUps(record.followUps);
  // A plain synchronous call is timed as it is: going through an async wrapper would add a promise and a
  // microtask per call, more than a tiny call costs, and that overhead varies from batch to batch.
  if (followUps.length === 0) return spec.generator ? () => settle(call()) : call;
  return async () => runFollowUps(await settle(call()), followUps);
}

function isThenable(value) {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof value.then === 'function'
  );
}

export async function runBatch(entry, records, repeats) {
  const calls = [];
  for (let r = 0; r < repeats; r++) {
    for (const record of records) {
      try {
        calls.push(timedCall(entry, record));
      } catch {
        // A call whose live values cannot be rebuilt (the prepare step left such calls out).
      }
    }
  }
  // Unpacking the round's arguments made garbage; collected now, it is not charged to whichever side runs next.
  // A full collection: with minor ones only, the old generation's marking later lands in timed batches, and the
  // A/A floor of a 40 ns call rose from about 1.05× to 1.15–1.2× (bench:noise).
  globalThis.gc?.();
  const start = clockStart();
  for (const call of calls) {
    try {
      const returned = call();
      if (isThenable(returned)) await returned;
    } catch {
      // Thrown errors are part of the behaviour being timed; the differential check compared them.
    }
  }
  return clockElapsed(start);
}

/** One replay of a call, timed alone (its arguments unpacked first, no collection before it). */
export async function timeOnce(entry, record) {
  const call = timedCall(entry, record);
  const start = clockStart();
  try {
    const returned = call();
    if (isThenable(returned)) await returned;
  } catch {
    // As in runBatch.
  }
  return clockElapsed(start);
}

/**
 * The memory pass's replay: each call's fresh arguments are built just before it runs, not all up front as a timed
 * batch builds them, so the peak the sandbox samples is the function's own, not thousands of argument copies.
 */
export async function replayEach(entry, records, repeats) {
  for (let r = 0; r < repeats; r++) {
    for (const record of records) {
      try {
        const returned = timedCall(entry, record)();
        if (isThenable(returned)) await returned;
      } catch {
        // As in runBatch: unrebuildable calls were left out, and thrown errors are behaviour.
      }
    }
  }
}

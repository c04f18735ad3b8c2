// Runs inside the sandbox: the clock a timed batch is read with. A batch's time is its wall time less the time its
// thread spent runnable but waiting for a CPU (the run-queue delay Linux keeps in /proc/thread-self/schedstat).
// Another tenant, or this process's own collector threads in a container pinned to one core, taking the CPU is not
// the batch's cost; counted, it made one call's samples bimodal (0.4 ms, or 2–10 ms when a sweeper thread ran).
// Plain wall time where the kernel does not report the delay. python/afterburner_replay_clock.py does the same.
import { openSync, readSync } from 'node:fs';

// Bound now: what runs later (a candidate included) cannot swap the functions the clock reads.
const now = process.hrtime.bigint;
const read = readSync;
const buffer = Buffer.alloc(128);
let schedstat;
try {
  schedstat = openSync('/proc/thread-self/schedstat', 'r');
} catch {
  schedstat = undefined;
}

/** The thread's run-queue delay so far in ns (the second field of "<on-cpu> <delay> <slices>"), parsed in place. */
function runQueueDelayNs() {
  const length = read(schedstat, buffer, 0, buffer.length, 0);
  let at = 0;
  while (at < length && buffer[at] !== 0x20) at++;
  let value = 0;
  for (at++; at < length && buffer[at] >= 0x30 && buffer[at] <= 0x39; at++)
    value = value * 10 + buffer[at] - 0x30;
  return value;
}

const delayNs = schedstat === undefined ? () => 0 : runQueueDelayNs;

/** Starts a measurement: the delay is read inside the wall-clock window, so what it subtracts lies within it. */
export function clockStart() {
  const wall = now();
  return { wall, delay: delayNs() };
}

/** Nanoseconds since `mark` that the thread was not kept waiting for a CPU, less the cost of the readings. */
export function clockElapsed(mark) {
  const delay = delayNs();
  const wall = now();
  return Math.max(0, Number(wall - mark.wall) - (delay - mark.delay) - readingNs);
}

/** Whether the clock subtracts preemption (`on-cpu`) or cannot (`wall`). */
export const clockKind = schedstat === undefined ? 'wall' : 'on-cpu';

// The cost of the readings themselves (two delay reads, ~5 µs each): the fastest of a few empty measurements.
let readingNs = 0;
readingNs = (() => {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 25; i++) fastest = Math.min(fastest, clockElapsed(clockStart()));
  return fastest;
})();

// Runs inside the sandbox, under valgrind's callgrind (src/harness/instruction-counts.ts starts it with
// `--dump-before=getppid`): replays one side's calls in passes, and reads the parent's pid (a getppid() system call)
// before rebuilding a pass's arguments and again before running the pass, so that callgrind writes its counters
// at both points. A pass's count is then the instructions of its calls alone, whatever the arguments cost to copy.
import { timedCall } from './timed-replay.mjs';

const marker = () => process.ppid;
const unmarked = () => undefined;

/**
 * `warmup` passes over every call unmarked (V8 settles its tiers: counts repeat only after 10–20 passes), then
 * `passes` marked ones; `watch(on)` marks candidate code for the tripwire, in the same steps either side.
 */
export async function countPasses({ entry, calls, warmup, passes, watch }) {
  const candidate = entry.role === 'candidate';
  for (let pass = 0; pass < warmup + passes; pass++) {
    const mark = pass < warmup ? unmarked : marker;
    mark();
    const prepared = [];
    for (const record of calls) {
      try {
        prepared.push(timedCall(entry, record));
      } catch {
        // A call whose live values cannot be rebuilt (the prepare step left such calls out).
      }
    }
    mark();
    watch(candidate);
    for (const call of prepared) {
      try {
        const returned = call();
        if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function')
          await returned;
      } catch {
        // Thrown errors are behaviour; the differential check compared them.
      }
    }
    watch(false);
  }
  marker();
}

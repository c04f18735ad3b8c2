// Runs inside the sandbox, in the verify runner: seeded randomness and a clock that advances 1 ms per reading,
// reset before every call, so that the same call replays the same way.
import { spec } from './replay-spec.mjs';

let randomState = 1;
let clock = 0;

export function resetEnvironment() {
  randomState = spec.seed >>> 0 || 1;
  clock = 1_700_000_000_000;
}

const now = () => ++clock;

/** Replaces Math.random, Date and performance.now for the rest of the process. */
export function installReplayEnvironment() {
  const realDate = Date;
  Math.random = () => {
    randomState = (Math.imul(randomState, 1664525) + 1013904223) >>> 0;
    return randomState / 4294967296;
  };
  realDate.now = now;
  // A Proxy keeps `instanceof Date` true for dates made before this point (e.g. deserialized arguments).
  globalThis.Date = new Proxy(realDate, {
    construct: (target, args, newTarget) =>
      Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
  });
  // Node 18 makes performance.now a read-only accessor; define it instead of assigning.
  Object.defineProperty(performance, 'now', {
    value: () => now() - 1_700_000_000_000,
    configurable: true,
    writable: true,
  });
}

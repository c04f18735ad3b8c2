// Runs inside the sandbox: the timing protocol of the verify runner, for one set of calls (the tests' own inputs,
// or one scale of them). The statistics are in src/stats/compare-samples.ts; python/verify_runner.py does the same.
// - a batch replays every call `repeats` times; `repeats` grows until a batch of *warm* code lasts minRoundNs
//   (≥ 1 ms), so that the clock resolves it, or until copying its fresh arguments costs 100 times that. Both copies run at every size, so both reach optimized code and
//   see the same call sites before timing starts; the first, cold batches are slower and would stop it short,
//   so the sizing runs again after the warm-up rounds.
// - a round times each side spec.samplesPerRound times (fewer for slow calls), alternating (A B B A A B …, the
//   first side drawn at random), and keeps each side's fastest batch: preemption and other tenants only ever add
//   time, and a batch they hit is dropped instead of becoming the round's sample. The caller pairs the rounds.

/**
 * Relative half-width of a distribution-free 95% interval of the median per-round ratio (order statistics):
 * a cheap stand-in for the bootstrap the caller runs, to decide whether more rounds are worth it.
 */
function halfWidth(originalNs, candidateNs) {
  const ratios = roundRatios(originalNs, candidateNs);
  const n = ratios.length;
  const k = Math.max(0, Math.floor((n - 1.96 * Math.sqrt(n)) / 2));
  return (ratios[n - 1 - k] - ratios[k]) / (2 * ratios[n >> 1]);
}

const roundRatios = (originalNs, candidateNs) =>
  originalNs.map((ns, i) => ns / candidateNs[i]).sort((a, b) => a - b);

/** The median per-round speedup (original / candidate) of measureInterleaved's result. */
export function medianRatio({ originalNs, candidateNs }) {
  const ratios = roundRatios(originalNs, candidateNs);
  const n = ratios.length;
  return (ratios[(n - 1) >> 1] + ratios[n >> 1]) / 2;
}

/**
 * Times `original` against `candidate` on `callCount` calls (`passBytes`: their arguments' serialized size).
 * `timeBatch(entry, repeats)` replays every call `repeats` times on one side and returns the nanoseconds it took.
 */
// The slower side's batch stops growing at this many minimum rounds (see sizeBatch).
const slowBatchRounds = 10;

// A batch unpacks every call's arguments before the clock starts: at most this many serialized bytes of them, so
// that a cheap call over a large grown input does not fill the sandbox's memory with copies (python: the same).
const batchBytes = 8 * 1024 * 1024;

export async function measureInterleaved({ original, candidate, spec, callCount, passBytes = 0, timeBatch }) {
  const byMemory = passBytes > 0 ? Math.floor(batchBytes / passBytes) : Number.POSITIVE_INFINITY;
  const maxRepeats = Math.max(1, Math.min(100_000, Math.floor(200_000 / callCount), byMemory));
  let samplesPerRound = 1;

  async function sizeBatch(repeats) {
    for (;;) {
      let fastest = Number.POSITIVE_INFINITY;
      let fastestWall = Number.POSITIVE_INFINITY;
      const best = new Map();
      for (const entry of [original, candidate, candidate, original]) {
        const started = process.hrtime.bigint();
        const ns = await timeBatch(entry, repeats);
        best.set(entry, Math.min(best.get(entry) ?? Number.POSITIVE_INFINITY, ns));
        fastest = Math.min(fastest, ns);
        fastestWall = Math.min(fastestWall, Number(process.hrtime.bigint() - started));
      }
      // The slower side's batch: when the sides differ a hundredfold (a quadratic candidate on grown inputs),
      // sizing by the faster side alone would make every batch of the slower one last seconds.
      const slowest = Math.max(...best.values());
      const sized = { repeats, slowestNs: slowest, wallNs: fastestWall };
      if (fastest >= spec.minRoundNs || slowest >= slowBatchRounds * spec.minRoundNs || repeats >= maxRepeats)
        return sized;
      const wanted = Math.ceil((repeats * spec.minRoundNs * 1.1) / Math.max(1, fastest));
      let next = Math.min(maxRepeats, Math.max(repeats * 2, Math.min(wanted, repeats * 16)));
      // Once the clock resolves a batch well (minRoundNs / 20), its growth stops where copying fresh arguments
      // would make it cost more than 100 minimum rounds: a large input to a cheap call costs far more to copy
      // than to run, and a longer batch would only measure the same calls again.
      if (fastest >= spec.minRoundNs / 20) {
        const affordable = Math.floor((repeats * 100 * spec.minRoundNs) / Math.max(1, fastestWall));
        next = Math.min(next, affordable);
      }
      next = Math.min(next, Math.floor((repeats * slowBatchRounds * spec.minRoundNs) / Math.max(1, slowest)));
      if (next <= repeats) return sized;
      repeats = next;
    }
  }

  let order = spec.seed >>> 0 || 1;
  async function round(repeats) {
    order = (Math.imul(order, 1103515245) + 12345) >>> 0;
    let originalFirst = (order & 0x10000) === 0;
    let originalNs = Number.POSITIVE_INFINITY;
    let candidateNs = Number.POSITIVE_INFINITY;
    for (let sample = 0; sample < samplesPerRound; sample++) {
      for (const entry of originalFirst ? [original, candidate] : [candidate, original]) {
        const ns = await timeBatch(entry, repeats);
        if (entry === original) originalNs = Math.min(originalNs, ns);
        else candidateNs = Math.min(candidateNs, ns);
      }
      originalFirst = !originalFirst;
    }
    return { originalNs: originalNs / repeats, candidateNs: candidateNs / repeats };
  }

  let { repeats } = await sizeBatch(1);
  for (let i = 0; i < spec.warmupRounds; i++) await round(repeats);
  const sized = await sizeBatch(repeats);
  repeats = sized.repeats;
  // Calls slow enough that one batch lasts several minimum rounds get fewer batches a round, down to one; so do
  // batches whose fresh arguments cost far more to copy than the calls take (a round keeps within 25 minimum
  // rounds of batch cost per sample asked for).
  const most = spec.samplesPerRound ?? 1;
  const wantedSamples = Math.round((4 * most * spec.minRoundNs) / Math.max(1, sized.slowestNs));
  const affordable = Math.floor((25 * most * spec.minRoundNs) / Math.max(1, sized.wallNs));
  samplesPerRound = Math.max(1, Math.min(most, wantedSamples, affordable));
  const originalNs = [];
  const candidateNs = [];
  // Rounds go on past spec.rounds while the interval is wider than spec.targetHalfWidth, up to spec.maxRounds
  // and spec.budgetNs of measuring: the stopping rule looks at the width, never at which side is ahead.
  const started = process.hrtime.bigint();
  const maxRounds = Math.max(spec.rounds, spec.maxRounds ?? spec.rounds);
  for (let i = 0; i < maxRounds; i++) {
    if (
      i >= spec.rounds &&
      (halfWidth(originalNs, candidateNs) <= (spec.targetHalfWidth ?? 0) ||
        Number(process.hrtime.bigint() - started) >= (spec.budgetNs ?? 0))
    )
      break;
    const measured = await round(repeats);
    originalNs.push(measured.originalNs);
    candidateNs.push(measured.candidateNs);
  }
  return { repeats, originalNs, candidateNs };
}

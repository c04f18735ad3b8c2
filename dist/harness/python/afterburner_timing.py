"""Runs inside the sandbox: the verify runner's timing protocol for one set of calls (the tests' own inputs, or one
scale of them). The statistics are in src/stats/compare-samples.ts; node/timing-protocol.mjs does the same.
- a batch replays every call `repeats` times; `repeats` grows until a batch of warm code lasts minRoundNs, so that
  the clock resolves it. Both copies run at every size, so both are warm (specialized bytecode, caches) alike when
  timing starts; the first, cold batches are slower and would stop it short, so the sizing runs again after the
  warm-up rounds.
- a round times each side samplesPerRound times (fewer for slow calls), alternating (A B B A A B ..., the first side
  drawn at random) and keeps each side's fastest batch: preemption and other tenants only ever add time.
Every call gets fresh arguments, unpickled before the batch starts; cap them, or a tiny call on a large receiver
spends minutes unpickling."""

import random


def half_width(original_ns, candidate_ns):
    """Relative half-width of a distribution-free 95% interval of the median per-round ratio (order statistics):
    a cheap stand-in for the bootstrap the caller runs, to decide whether more rounds are worth it."""
    ratios = round_ratios(original_ns, candidate_ns)
    n = len(ratios)
    k = max(0, int((n - 1.96 * n**0.5) // 2))
    return (ratios[n - 1 - k] - ratios[k]) / (2 * ratios[n // 2])


def round_ratios(original_ns, candidate_ns):
    return sorted(o / c for o, c in zip(original_ns, candidate_ns))


def median_ratio(timing):
    """The median per-round speedup (original / candidate) of measure_interleaved's result."""
    ratios = round_ratios(timing["originalNs"], timing["candidateNs"])
    n = len(ratios)
    return (ratios[(n - 1) // 2] + ratios[n // 2]) / 2


# The slower side's batch stops growing at this many minimum rounds (see size_batch).
_slow_batch_rounds = 10


def measure_interleaved(original, candidate, spec, calls, time_batch, clock):
    """Times `original` against `candidate` on `calls`; time_batch(entry, calls, repeats) returns nanoseconds."""
    payload_bytes = sum(len(payload) for payload in calls)
    max_repeats = max(1, min(100000, 200000 // len(calls), 8 * 1024 * 1024 // payload_bytes))
    samples_per_round = [1]

    def walled(entry, repeats):
        started = clock()
        timed = time_batch(entry, calls, repeats)
        return timed, clock() - started

    def size_batch(repeats):
        while True:
            batches = [walled(entry, repeats) for entry in (original, candidate, candidate, original)]
            fastest = min(timed for timed, _ in batches)
            wall = min(wall for _, wall in batches)
            # The slower side's batch (see node/timing-protocol.mjs): a hundredfold difference must not make each
            # of its batches last seconds.
            slowest = max(min(batches[0][0], batches[3][0]), min(batches[1][0], batches[2][0]))
            slow_cap = _slow_batch_rounds * spec["minRoundNs"]
            if fastest >= spec["minRoundNs"] or slowest >= slow_cap or repeats >= max_repeats:
                return repeats, slowest, wall
            wanted = -(-repeats * spec["minRoundNs"] * 11 // (10 * max(1, fastest)))
            following = min(max_repeats, max(repeats * 2, min(int(wanted), repeats * 16)))
            # Once the clock resolves a batch well, it stops growing where unpickling fresh arguments would cost
            # more than 100 minimum rounds (see node/timing-protocol.mjs).
            if fastest >= spec["minRoundNs"] / 20:
                following = min(following, repeats * 100 * spec["minRoundNs"] // max(1, wall))
            following = min(following, repeats * slow_cap // max(1, slowest))
            if following <= repeats:
                return repeats, slowest, wall
            repeats = int(following)

    order = random.Random(spec["seed"])

    def one_round(repeats):
        original_first = order.random() < 0.5
        best = {"original": float("inf"), "candidate": float("inf")}
        for _ in range(samples_per_round[0]):
            for entry in (original, candidate) if original_first else (candidate, original):
                role = "original" if entry is original else "candidate"
                best[role] = min(best[role], time_batch(entry, calls, repeats))
            original_first = not original_first
        return best["original"] / repeats, best["candidate"] / repeats

    repeats, _, _ = size_batch(1)
    for _ in range(spec["warmupRounds"]):
        one_round(repeats)
    repeats, slowest_ns, wall_ns = size_batch(repeats)
    # Calls slow enough that one batch lasts several minimum rounds get fewer batches a round, down to one; so do
    # batches whose arguments cost far more to unpickle than the calls take (see node/timing-protocol.mjs).
    most = spec.get("samplesPerRound", 1)
    wanted = round(4 * most * spec["minRoundNs"] / max(1, slowest_ns))
    affordable = 25 * most * spec["minRoundNs"] // max(1, wall_ns)
    samples_per_round[0] = int(max(1, min(most, wanted, affordable)))
    original_ns, candidate_ns = [], []
    # Rounds go on past spec.rounds while the interval is wider than targetHalfWidth, up to maxRounds and
    # budgetNs of measuring: the stopping rule looks at the width, never at which side is ahead.
    started = clock()
    for index in range(max(spec["rounds"], spec.get("maxRounds", spec["rounds"]))):
        if index >= spec["rounds"] and (
            half_width(original_ns, candidate_ns) <= spec.get("targetHalfWidth", 0)
            or clock() - started >= spec.get("budgetNs", 0)
        ):
            break
        original_round, candidate_round = one_round(repeats)
        original_ns.append(original_round)
        candidate_ns.append(candidate_round)
    return {"repeats": repeats, "originalNs": original_ns, "candidateNs": candidate_ns}

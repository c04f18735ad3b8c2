"""Runs inside the sandbox, in the verify runner: per-call memory, measured in rounds like time so that it gets an
interval and an A/A floor (src/stats/compare-samples.ts). node/memory-protocol.mjs does the same in Node.

- a call's peak is tracemalloc's high-water mark during it above what was allocated when it started (CPython
  frees on the last reference, so this is what the call held at once);
- its memory-time integral is that peak times the call's own time in the same replay (with tracemalloc on): an
  upper bound of what a sampler would integrate, tight for code that holds its memory for the whole call;
- a round replays every call once per side, the side drawn at random first; a side's value for the round is the
  mean over the calls. (Node keeps the least of three replays; CPython has no JIT finishing a compile inside a
  call, and tracemalloc counts the same bytes each time.)"""

import random
import tracemalloc

from afterburner_replay import invoker, settle
from afterburner_replay_clock import real_perf_counter_ns


def _peak_of_call(run):
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    started = real_perf_counter_ns()
    try:
        settle(run())
    except Exception:
        # Raised exceptions are behaviour; the differential check compared them.
        pass
    ns = real_perf_counter_ns() - started
    return max(0, tracemalloc.get_traced_memory()[1] - before), ns


def measure_memory(original, candidate, payloads, rounds, seed, watched):
    """`rounds` rounds of every call once per side; `watched(entry)` is the tripwire's context for that side.
    Returns per-round means: {originalBytes, candidateBytes, originalByteNs, candidateByteNs}."""
    result = {"originalBytes": [], "candidateBytes": [], "originalByteNs": [], "candidateByteNs": []}
    order = random.Random(seed)
    tracemalloc.start()
    try:
        for _ in range(rounds):
            sides = [original, candidate] if order.random() < 0.5 else [candidate, original]
            for entry in sides:
                total_bytes = total_byte_ns = 0
                for payload in payloads:
                    try:
                        run = invoker(entry, payload)[1]
                    except Exception:
                        continue
                    with watched(entry):
                        peak, ns = _peak_of_call(run)
                    total_bytes += peak
                    total_byte_ns += peak * ns
                side = "original" if entry is original else "candidate"
                result[side + "Bytes"].append(total_bytes / len(payloads))
                result[side + "ByteNs"].append(total_byte_ns / len(payloads))
    finally:
        tracemalloc.stop()
    return result


def spread(items, most):
    """At most `most` of the items, evenly spread over the list."""
    if not most or len(items) <= most:
        return list(items)
    step = len(items) / most
    return [items[int(i * step)] for i in range(most)]

"""Runs inside the sandbox. Replays the calls captured during the repository's tests on the original and on the
candidate, loaded side by side in this process as copies of the target's module (same package, so relative
imports work): checks that the original is deterministic (seeded randomness and time), that the candidate
matches it on every call (value, exception, argument and receiver state), then times both in interleaved rounds.

Usage: python3 verify_runner.py SPEC.json [--memory original|candidate]  ->  one `AFTERBURNER_RESULT {json}` line
on stdout (same statuses and fields as the JavaScript runner: measured / deterministic / mismatch /
non-deterministic / no-calls / memory / error).

The runner's parts: afterburner_load_copy (the two copies), afterburner_recorded_calls (the recorded calls and the
callbacks' stand-ins), afterburner_replay (one replay compared, batches timed), afterburner_replay_clock.
"""

import importlib
import json
import os
import sys
import traceback

from afterburner_count import count_passes
from afterburner_equal import show, state_of
from afterburner_load_copy import load_copy, resolve
from afterburner_memory import measure_memory, spread
from afterburner_recorded_calls import read_calls, recorded_size, show_input
from afterburner_replay import describe, difference, faithful, invoker, outcome, run_batch, settle, time_once
from afterburner_replay_clock import install_clock, real_perf_counter_ns
from afterburner_scale import derive_generated_calls, derive_scaled_calls, same_calls_at_every_scale
from afterburner_timing import measure_interleaved, median_ratio
from afterburner_tripwire import Tripwire
from afterburner_verify_spec import spec

# Watches the candidate's calls (and only those) for side effects its original does not have.
tripwire = Tripwire(spec.get("tripwire"))

_real_stdout = sys.stdout
# What the code under test prints is not part of the comparison and must not flood the sandbox's output.
sys.stdout = open(os.devnull, "w")


def finish(result):
    _real_stdout.write("\nAFTERBURNER_RESULT " + json.dumps(result) + "\n")
    _real_stdout.flush()
    # Skips atexit handlers and non-daemon threads the code under test may have left behind.
    os._exit(0)


# Before the modules load, so that `from time import time` binds the patched function too.
install_clock()


def check_tripwire():
    if tripwire.tripped:
        finish({"status": "tripwire", "message": tripwire.tripped})


class _Unwatched:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def watched(role):
    """The tripwire for candidate code, nothing for the original's."""
    return tripwire if role == "candidate" else _Unwatched()


def memory_pass(role):
    """One side alone in this process, its calls replayed a fixed number of times, so that the sandbox's
    peak-memory and memory-time measurements of the whole process belong to that side only."""
    try:
        real = importlib.import_module(spec["module"])
        entry = resolve(load_copy(role, spec["original" if role == "original" else "candidate"]), real)
    except Exception:
        finish({"status": "error", "message": traceback.format_exc(limit=8)[-2000:]})
    calls, _ = read_calls(spec["captureFile"])
    for _ in range(spec["memoryRepeats"]):
        for payload in calls:
            try:
                with watched(role):
                    settle(invoker(entry, payload)[1]())
            except Exception:
                pass
    check_tripwire()
    finish({"status": "memory", "calls": len(calls), "repeats": spec["memoryRepeats"]})


def count_pass(role):
    """One side alone under callgrind (afterburner_count.py); the counts are read from its dumps."""
    try:
        real = importlib.import_module(spec["module"])
        entry = resolve(load_copy(role, spec["original" if role == "original" else "candidate"]), real)
    except Exception:
        finish({"status": "error", "message": traceback.format_exc(limit=8)[-2000:]})
    calls, _ = read_calls(spec["captureFile"])
    calls = [payload for payload in calls if faithful(payload, outcome(entry, payload))]
    count_passes(entry, calls, spec["countWarmup"], spec["countPasses"], tripwire, role == "candidate")
    check_tripwire()
    finish({"status": "counted", "calls": len(calls), "passes": spec["countPasses"]})


def main():
    for path in reversed(spec["sysPath"]):
        if path not in sys.path:
            sys.path.insert(0, path)
    if len(sys.argv) > 3 and sys.argv[2] == "--memory":
        memory_pass(sys.argv[3])
    if len(sys.argv) > 3 and sys.argv[2] == "--count":
        count_pass(sys.argv[3])
    try:
        real = importlib.import_module(spec["module"])
        original = resolve(load_copy("original", spec["original"]), real)
        candidate = resolve(load_copy("candidate", spec["candidate"]), real) if spec.get("candidate") else None
    except Exception:
        finish({"status": "error", "message": traceback.format_exc(limit=8)[-2000:]})
    calls, unreplayable = read_calls(spec["captureFile"])
    kept = [payload for payload in calls if faithful(payload, outcome(original, payload))]
    unreplayable += len(calls) - len(kept)
    calls = kept
    if not calls:
        finish({"status": "no-calls", "unreplayable": unreplayable})

    for i, payload in enumerate(calls):
        first, second = outcome(original, payload), outcome(original, payload)
        differs = difference(first, second)
        if differs:
            finish(
                {
                    "status": "non-deterministic",
                    "call": i,
                    "what": differs,
                    "first": describe(first),
                    "second": describe(second),
                }
            )
    if candidate is None:
        finish({"status": "deterministic", "calls": len(calls), "unreplayable": unreplayable})

    for i, payload in enumerate(calls):
        expected = outcome(original, payload)
        with tripwire:
            actual = outcome(candidate, payload)
        check_tripwire()
        differs = difference(expected, actual)
        if differs:
            after = ""
            if differs == "argument mutation":
                after = " (arguments after the call: expected %s, got %s)" % (
                    show((expected["call"]["args"], expected["call"]["kwargs"]), 300),
                    show((actual["call"]["args"], actual["call"]["kwargs"]), 300),
                )
            elif differs == "receiver state":
                after = " (receiver after the call: expected %s, got %s)" % (
                    show(state_of(expected["call"]["receiver"]), 300),
                    show(state_of(actual["call"]["receiver"]), 300),
                )
            finish(
                {
                    "status": "mismatch",
                    "call": i,
                    "what": differs,
                    "input": show_input(payload),
                    "expected": describe(expected),
                    "actual": describe(actual) + after,
                }
            )

    # Larger inputs derived from the recorded calls: the candidate must match the original on them too, and both
    # are timed at each scale as on the tests' own inputs.
    scales, notes = [], []
    if spec.get("scale"):
        scales, notes = derive_scaled_calls(
            calls,
            spec["scale"],
            original,
            outcome,
            difference,
            clock=real_perf_counter_ns,
            call_ns=lambda payload: time_once(original, payload),
        )
    # Inputs the model's generator wrote (plain literals, made in a process of their own), checked and timed alike.
    if spec.get("workload"):
        generated, generated_notes = derive_generated_calls(
            spec["workload"], original, outcome, difference, clock=real_perf_counter_ns
        )
        scales += generated
        notes += generated_notes
    check_scaled(scales, notes, original, candidate)
    scales = same_calls_at_every_scale(scales, notes)

    def time_batch(entry, batch, repeats):
        with watched("original" if entry is original else "candidate"):
            ns = run_batch(entry, batch, repeats)
        check_tripwire()
        return ns

    def memory_of(payloads):
        """Per-call memory on a spread of at most spec["memoryCalls"] of the calls."""
        if not spec.get("memoryRounds"):
            return None
        chosen = spread(payloads, spec.get("memoryCalls"))
        side = lambda entry: watched("original" if entry is original else "candidate")  # noqa: E731
        memory = measure_memory(original, candidate, chosen, spec["memoryRounds"], spec["seed"], side)
        check_tripwire()
        return dict(memory, calls=len(chosen))

    own = measure_interleaved(original, candidate, spec, calls, time_batch, real_perf_counter_ns)
    # Grown calls last far longer than the clock's resolution and vary less: fewer rounds settle their interval, and
    # the slower side's pass (seen in the check above) bounds how many fit in the measuring budget.
    timed_scales = []
    for scale in scales:
        pass_ns = max(1, scale["passNs"])
        protocol = dict(
            spec,
            rounds=max(6, min(spec["rounds"], 15, int(spec.get("budgetNs", 0) // (2 * pass_ns)))),
            warmupRounds=1 if pass_ns > 10e6 else spec["warmupRounds"],
            budgetNs=spec.get("budgetNs", 0) / 2,
        )
        payloads = [c["payload"] for c in scale["calls"]]
        sizes = [c["n"] for c in scale["calls"]]
        timing = measure_interleaved(original, candidate, protocol, payloads, time_batch, real_perf_counter_ns)
        row = dict(timing, factor=scale["factor"], calls=len(payloads), n=max(sizes), meanN=sum(sizes) / len(sizes))
        if scale.get("source"):
            row["source"] = scale["source"]
        timed_scales.append(row)
    # Memory on the tests' own calls and at the scale a verdict rests on (the largest n) only. memoryWhenFaster:
    # only when that scale's timing could make the candidate suggested (memory is then shown, never decisive).
    largest = max(range(len(timed_scales)), key=lambda at: timed_scales[at]["n"], default=-1)
    decisive = timed_scales[largest] if largest >= 0 else own
    if not spec.get("memoryWhenFaster") or median_ratio(decisive) >= spec["memoryWhenFaster"]:
        own_memory = memory_of(calls)
        if own_memory:
            own["memory"] = own_memory
        if largest >= 0:
            memory = memory_of([c["payload"] for c in scales[largest]["calls"]])
            if memory:
                timed_scales[largest]["memory"] = memory
    finish(
        dict(
            own,
            status="measured",
            calls=len(calls),
            n=max([recorded_size(payload) for payload in calls] + [0]),
            scales=timed_scales,
            scaleNotes=notes,
        )
    )


def scale_label(scale):
    return "model n = %d" % scale["factor"] if scale.get("source") == "model" else "×%d" % scale["factor"]


def check_scaled(scales, notes, original, candidate):
    """The differential check on the grown calls; at a scale where the candidate is far slower than the budget, timing
    it would take minutes, so that scale and larger ones are left out (the smaller ones show enough)."""
    for at, scale in enumerate(scales):
        slowest = 0
        scale["passNs"] = 0
        for grown in scale["calls"]:
            before = real_perf_counter_ns()
            expected = outcome(original, grown["payload"])
            started = real_perf_counter_ns()
            with tripwire:
                actual = outcome(candidate, grown["payload"])
            candidate_ns = real_perf_counter_ns() - started
            slowest = max(slowest, candidate_ns)
            grown["passNs"] = max(candidate_ns, started - before)
            scale["passNs"] += grown["passNs"]
            check_tripwire()
            differs = difference(expected, actual)
            if differs:
                finish(
                    {
                        "status": "mismatch",
                        "call": grown["index"],
                        "scale": scale["factor"],
                        "size": grown["n"],
                        **({"source": scale["source"]} if scale.get("source") else {}),
                        "what": differs,
                        "input": show_input(grown["payload"]),
                        "expected": describe(expected),
                        "actual": describe(actual),
                    }
                )
        if slowest > 10 * (spec.get("scale") or spec["workload"])["budgetNs"] and at > 0:
            larger = ", ".join(scale_label(s) for s in scales[at:])
            notes.append("%s: not timed, the candidate took %.0f ms on one call there" % (larger, slowest / 1e6))
            del scales[at:]
            break


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except BaseException:
        finish({"status": "error", "message": traceback.format_exc(limit=8)[-2000:]})

"""Runs inside the sandbox. Replays the calls captured during the repository's tests on the original and on the
candidate, loaded side by side in this process as copies of the target's module (same package, so relative
imports work): checks that the original is deterministic (seeded randomness and time), that the candidate
matches it on every call (value, exception, argument and receiver state), then times both in interleaved rounds.

Usage: python3 verify_runner.py SPEC.json [--memory original|candidate]  ->  one `AFTERBURNER_RESULT {json}` line
on stdout (same statuses and fields as the JavaScript runner: measured / deterministic / mismatch /
non-deterministic / no-calls / memory / error).
"""

import asyncio
import asyncio.base_events
import builtins
import copy
import gc
import importlib
import importlib.util
import inspect
import io
import json
import os
import pickle
import random
import re
import struct
import sys
import time
import traceback

from afterburner_equal import equal, show, state_of
from afterburner_scale import derive_generated_calls, derive_scaled_calls, input_size
from afterburner_timing import measure_interleaved
from afterburner_tripwire import Tripwire

with open(sys.argv[1]) as spec_file:
    spec = json.load(spec_file)

# Watches the candidate's calls (and only those) for side effects its original does not have.
tripwire = Tripwire(spec.get("tripwire"))

_real_stdout = sys.stdout
_real_perf_counter_ns = time.perf_counter_ns
_real_monotonic = time.monotonic
# What the code under test prints is not part of the comparison and must not flood the sandbox's output.
sys.stdout = open(os.devnull, "w")


def finish(result):
    _real_stdout.write("\nAFTERBURNER_RESULT " + json.dumps(result) + "\n")
    _real_stdout.flush()
    # Skips atexit handlers and non-daemon threads the code under test may have left behind.
    os._exit(0)


# A clock that advances 1 ms per reading and a seeded random module, reset before every call. Installed before
# the modules load, so `from time import time` binds the patched function too.
_ticks = [0]


def _tick():
    _ticks[0] += 1
    return _ticks[0]


time.time = lambda: 1_700_000_000 + _tick() / 1000
time.time_ns = lambda: (1_700_000_000_000 + _tick()) * 1_000_000
time.perf_counter = lambda: _tick() / 1000
time.perf_counter_ns = lambda: _tick() * 1_000_000
time.monotonic = lambda: _tick() / 1000
time.monotonic_ns = lambda: _tick() * 1_000_000
# The event loop schedules sleeps with the real clock; the patched one would stretch `await asyncio.sleep(1)`.
asyncio.base_events.BaseEventLoop.time = lambda self: _real_monotonic()


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


def reset_environment():
    _ticks[0] = 0
    random.seed(spec["seed"])


target = spec["target"]


def load_copy(role, path):
    package = spec["package"]
    stem = re.sub(r"\W", "_", spec["module"].rpartition(".")[2])
    name = (package + "." if package else "") + "__afterburner_%s_%s" % (role, stem)
    module_spec = importlib.util.spec_from_file_location(name, os.path.abspath(path))
    module = importlib.util.module_from_spec(module_spec)
    module.__package__ = package
    sys.modules[name] = module
    module_spec.loader.exec_module(module)
    return module


def adopt_classes(copy, real):
    """Points the copy's classes at the real module's: captured arguments were unpickled as instances of those."""
    for name, value in list(vars(copy).items()):
        counterpart = getattr(real, name, None)
        if isinstance(value, type) and value.__module__ == copy.__name__ and isinstance(counterpart, type):
            setattr(copy, name, counterpart)


def rebind_class_cell(fn, owner):
    """Zero-argument super() reads the `__class__` cell; make it the real class the receiver belongs to."""
    code = getattr(fn, "__code__", None)
    if code is not None and "__class__" in code.co_freevars and fn.__closure__:
        fn.__closure__[code.co_freevars.index("__class__")].cell_contents = owner


def resolve(copy, real):
    name = target["name"]
    owner_name = target.get("owner")
    if not owner_name:
        fn = vars(copy).get(name)
        if not callable(fn):
            raise LookupError("%s defines no function %s" % (copy.__file__, name))
        adopt_classes(copy, real)
        return {"kind": "function", "fn": fn}
    owner = vars(copy).get(owner_name)
    real_owner = getattr(real, owner_name, None)
    if not isinstance(owner, type) or not isinstance(real_owner, type):
        raise LookupError("%s defines no class %s" % (copy.__file__, owner_name))
    raw = owner.__dict__.get(name)
    if isinstance(raw, staticmethod):
        entry = {"kind": "static", "fn": raw.__func__}
    elif isinstance(raw, classmethod):
        entry = {"kind": "class", "fn": raw.__func__}
    elif isinstance(raw, property):
        setter = target.get("accessor") == "set"
        entry = {"kind": "set" if setter else "get", "fn": raw.fset if setter else raw.fget}
    elif inspect.isfunction(raw):
        entry = {"kind": "method", "fn": raw}
    else:
        raise LookupError("%s.%s is not a method" % (owner_name, name))
    adopt_classes(copy, real)
    rebind_class_cell(entry["fn"], real_owner)
    entry["owner"] = real_owner
    return entry


_atomic = (int, float, complex, str, bytes, bool, type(None))
_immutable = _atomic + (frozenset,)


def _key_part(value):
    return ("v", value) if isinstance(value, _atomic) else ("i", id(value))


class StandIn:
    """Answers for a callback the tests passed, from what it answered during the recorded call. The candidate may
    call it fewer times or in another order, but only with arguments the original passed. Arguments that are
    values or objects of the call's input are looked up by identity (cheap enough not to drown the function's own
    time); others by structural equality."""

    def __init__(self, calls, resolve):
        self.by_key, self.structural, self.cursor, self.unseen = {}, [], 0, None
        for data in calls:
            refs = []

            class Unpickler(pickle.Unpickler):
                def persistent_load(self, pid):
                    value = resolve(pid[1])
                    refs.append(id(value))
                    return value

            args, kwargs, answer = Unpickler(io.BytesIO(data)).load()
            values = list(args) + [kwargs[name] for name in sorted(kwargs)]
            if all(isinstance(v, _atomic) or id(v) in refs for v in values):
                key = (tuple(_key_part(v) for v in args), tuple((n, _key_part(kwargs[n])) for n in sorted(kwargs)))
                self.by_key.setdefault(key, [0, []])[1].append(answer)
            else:
                self.structural.append((args, kwargs, answer))

    def __call__(self, *args, **kwargs):
        try:
            if len(args) == 1 and not kwargs:
                # The common key function / predicate, without the general path's allocations.
                value = args[0]
                key = ((("v", value) if isinstance(value, _atomic) else ("i", id(value)),), ())
            else:
                key = (tuple(_key_part(v) for v in args), tuple((n, _key_part(kwargs[n])) for n in sorted(kwargs)))
            found = self.by_key.get(key)
        except TypeError:
            found = None
        if found is not None:
            answer = found[1][found[0] % len(found[1])]
            found[0] += 1
            return self._answer(answer)
        count = len(self.structural)
        for step in range(count):
            index = (self.cursor + step) % count
            known_args, known_kwargs, answer = self.structural[index]
            if equal(known_args, args) and equal(known_kwargs, kwargs):
                self.cursor = index + 1
                return self._answer(answer)
        if self.unseen is None:
            self.unseen = (args, kwargs)
        raise RuntimeError("afterburner: the callback was called with arguments the original never passed")

    @staticmethod
    def _answer(answer):
        if answer[0] == "raise":
            kind = getattr(builtins, answer[1], None)
            raise (kind if isinstance(kind, type) and issubclass(kind, Exception) else RuntimeError)(answer[2])
        value = answer[1]
        return value if isinstance(value, _immutable) else copy.deepcopy(value)


def load_call(payload):
    """A recorded call's arguments (callbacks replaced by stand-ins), its stand-ins, and how it ended in the test
    (only for calls with callbacks)."""
    record = pickle.loads(payload)
    if "pre" not in record:
        return record, [], None
    stand_ins = []

    class Unpickler(pickle.Unpickler):
        def persistent_load(self, pid):
            return Deferred(pid[1])

    call = Unpickler(io.BytesIO(record["pre"])).load()

    def resolve(place):
        value = call[place[0]]
        for step in place[1:]:
            value = value[step]
        return value

    stand_ins.extend(StandIn(calls, resolve) for calls in record["callbacks"])
    call["args"] = tuple(stand_ins[a.index] if isinstance(a, Deferred) else a for a in call["args"])
    call["kwargs"] = {k: (stand_ins[v.index] if isinstance(v, Deferred) else v) for k, v in call["kwargs"].items()}
    return call, stand_ins, record.get("outcome")


class Deferred:
    """A callback's place in the arguments until its stand-in, which resolves references into them, exists."""

    def __init__(self, index):
        self.index = index


def read_calls(path):
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return [], 0
    calls, unreplayable, at = [], 0, 0
    while at + 4 <= len(data) and len(calls) < spec["maxCalls"]:
        (size,) = struct.unpack_from("<I", data, at)
        payload = data[at + 4 : at + 4 + size]
        at += 4 + size
        try:
            load_call(payload)
            calls.append(payload)
        except Exception:
            unreplayable += 1
    return calls, unreplayable


def invoker(entry, payload):
    """Fresh arguments for one call, and the call itself."""
    call, stand_ins, _ = load_call(payload)
    call["stand_ins"] = stand_ins
    args, kwargs, receiver = call["args"], call["kwargs"], call["receiver"]
    fn, kind = entry["fn"], entry["kind"]
    if kind == "class":
        owner = entry["owner"]
        return call, lambda: fn(owner, *args, **kwargs)
    if kind == "get":
        return call, lambda: fn(receiver)
    if kind == "set":
        return call, lambda: fn(receiver, *args)
    if kind == "method":
        return call, lambda: fn(receiver, *args, **kwargs)
    return call, lambda: fn(*args, **kwargs)


async def _drain_async(iterator):
    items = []
    async for item in iterator:
        items.append(item)
        if len(items) >= 10000:
            break
    return items


def settle(value):
    if inspect.iscoroutine(value):
        return asyncio.run(value)
    if inspect.isasyncgen(value):
        return asyncio.run(_drain_async(value))
    if target.get("generator") and inspect.isgenerator(value):
        items = []
        for item in value:
            items.append(item)
            if len(items) >= 10000:
                break
        return items
    return value


def outcome(entry, payload):
    call, run = invoker(entry, payload)
    reset_environment()
    try:
        result = {"value": settle(run()), "call": call}
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        result = {"error": (type(error).__qualname__, str(error)), "call": call}
    unseen = next((s.unseen for s in call["stand_ins"] if s.unseen is not None), None)
    if unseen is not None:
        result["callback"] = unseen
    return result


def faithful(payload, replayed):
    """A call replayed with callbacks answered from a recording is evidence only if the original, replayed, ends as
    it did in the test."""
    if "callback" in replayed:
        return False
    _, _, recorded = load_call(payload)
    if recorded is None:
        return True
    if recorded["threw"] != ("error" in replayed):
        return False
    if "result" not in recorded:
        return True
    try:
        return equal(pickle.loads(recorded["result"]), replayed["value"])
    except Exception:
        return False


def _data(values):
    """Arguments without the callbacks' stand-ins, whose calls are compared on their own."""
    if isinstance(values, dict):
        return {k: v for k, v in values.items() if not isinstance(v, StandIn)}
    return tuple(None if isinstance(v, StandIn) else v for v in values)


def difference(a, b):
    if "callback" in a or "callback" in b:
        return "callback calls"
    if "error" in a or "error" in b:
        return None if a.get("error") == b.get("error") else "thrown error"
    if not equal(a["value"], b["value"]):
        return "return value"
    if not equal(_data(a["call"]["args"]), _data(b["call"]["args"])) or not equal(
        _data(a["call"]["kwargs"]), _data(b["call"]["kwargs"])
    ):
        return "argument mutation"
    receiver = a["call"]["receiver"]
    if receiver is not None and not equal(state_of(receiver), state_of(b["call"]["receiver"])):
        return "receiver state"
    return None


def describe(result):
    if "callback" in result:
        return "calls a callback with %s, which the original never did" % show(result["callback"])
    if "error" in result:
        return "raises %s: %s" % result["error"]
    return show(result["value"])


def show_input(payload):
    call, _, _ = load_call(payload)
    text = show(call["args"])
    if call["kwargs"]:
        text += " kwargs " + show(call["kwargs"])
    if call["receiver"] is not None:
        text += " on " + show(state_of(call["receiver"]))
    return text[:600]


_loop = None


async def _timed_async(runs):
    start = _real_perf_counter_ns()
    for run in runs:
        try:
            value = run()
            if inspect.isasyncgen(value):
                async for _ in value:
                    pass
            else:
                await value
        except Exception:
            pass
    return _real_perf_counter_ns() - start


def run_batch(entry, calls, repeats):
    global _loop
    runs = [invoker(entry, payload)[1] for _ in range(repeats) for payload in calls]
    reset_environment()
    gc.collect()
    gc.disable()
    try:
        if target.get("async"):
            _loop = _loop or asyncio.new_event_loop()
            return _loop.run_until_complete(_timed_async(runs))
        drain = target.get("generator")
        start = _real_perf_counter_ns()
        for run in runs:
            try:
                value = run()
                if drain:
                    for _ in value:
                        pass
            except Exception:
                # Raised exceptions are part of the behaviour being timed; the differential check compared them.
                pass
        return _real_perf_counter_ns() - start
    finally:
        gc.enable()


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


def main():
    for path in reversed(spec["sysPath"]):
        if path not in sys.path:
            sys.path.insert(0, path)
    if len(sys.argv) > 3 and sys.argv[2] == "--memory":
        memory_pass(sys.argv[3])
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
            calls, spec["scale"], original, outcome, difference, clock=_real_perf_counter_ns
        )
    # Inputs the model's generator wrote (plain literals, made in a process of their own), checked and timed alike.
    if spec.get("workload"):
        generated, generated_notes = derive_generated_calls(
            spec["workload"], original, outcome, difference, clock=_real_perf_counter_ns
        )
        scales += generated
        notes += generated_notes
    check_scaled(scales, notes, original, candidate)

    def time_batch(entry, batch, repeats):
        with watched("original" if entry is original else "candidate"):
            ns = run_batch(entry, batch, repeats)
        check_tripwire()
        return ns

    own = measure_interleaved(original, candidate, spec, calls, time_batch, _real_perf_counter_ns)
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
        timing = measure_interleaved(original, candidate, protocol, payloads, time_batch, _real_perf_counter_ns)
        row = dict(timing, factor=scale["factor"], calls=len(payloads), n=max(sizes), meanN=sum(sizes) / len(sizes))
        if scale.get("source"):
            row["source"] = scale["source"]
        timed_scales.append(row)
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


def recorded_size(payload):
    """Input size of a recorded call (its largest collection argument); 0 when it holds none."""
    try:
        call, _, _ = load_call(payload)
        return input_size(call["args"], call["kwargs"])
    except Exception:
        return 0


def scale_label(scale):
    return "model n = %d" % scale["factor"] if scale.get("source") == "model" else "×%d" % scale["factor"]


def check_scaled(scales, notes, original, candidate):
    """The differential check on the grown calls; at a scale where the candidate is far slower than the budget, timing
    it would take minutes, so that scale and larger ones are left out (the smaller ones show enough)."""
    for at, scale in enumerate(scales):
        slowest = 0
        scale["passNs"] = 0
        for grown in scale["calls"]:
            before = _real_perf_counter_ns()
            expected = outcome(original, grown["payload"])
            started = _real_perf_counter_ns()
            with tripwire:
                actual = outcome(candidate, grown["payload"])
            candidate_ns = _real_perf_counter_ns() - started
            slowest = max(slowest, candidate_ns)
            scale["passNs"] += max(candidate_ns, started - before)
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

"""Runs inside the sandbox. Grows the arguments of a recorded call x factor: lists, tuples, strings, bytes, dicts,
sets and frozensets among the positional and keyword arguments. "fresh" adds distinct elements of the same shape
(numbers shifted past the collection's range, strings suffixed), which uniqueness-sensitive code (dedupes,
lookups) needs to show its real cost; "repeat" repeats them, the fallback when fresh ones break the function's
assumptions (dicts and sets keep one entry per key, so their copies always get fresh keys). Then keeps only the
grown calls the original handles: no exception, the same outcome twice, within the time budget of a pass.
(The JavaScript runner does the same: node/scale-inputs.mjs, node/scaled-calls.mjs.)"""

import ast
import json
import pickle
import time

_sized = (list, tuple, str, bytes, dict, set, frozenset)
_max_depth = 6
# Past this many elements a grown input costs more memory to build than its timing is worth.
_max_elements = 2_000_000


def _size(value):
    return len(value) if isinstance(value, _sized) else 0


def input_size(args, kwargs):
    """The size a call is measured by: its largest collection argument."""
    return max([_size(v) for v in list(args) + list(kwargs.values())] + [0])


def _stride(value):
    numbers = []

    def visit(v, depth):
        if isinstance(v, bool):
            return
        if isinstance(v, (int, float)) and v == v and abs(v) != float("inf"):
            numbers.append(v)
        elif depth < _max_depth and isinstance(v, (list, tuple, set, frozenset)):
            for item in v:
                visit(item, depth + 1)
        elif depth < _max_depth and isinstance(v, dict):
            for k, item in v.items():
                visit(k, depth + 1)
                visit(item, depth + 1)

    visit(value, 0)
    if not numbers:
        return 1
    span = max(numbers) - min(numbers)
    return int(span) + 1 if span == int(span) else span + 1


def _freshen(value, copy, stride, depth=0):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value + copy * int(stride) if isinstance(stride, int) else value + copy * stride
    if isinstance(value, float):
        return value + copy * stride if value == value and abs(value) != float("inf") else value
    if isinstance(value, str):
        return "%s~%d" % (value, copy)
    if isinstance(value, bytes):
        return value + b"~%d" % copy
    if depth >= _max_depth:
        return value

    def nxt(v):
        return _freshen(v, copy, stride, depth + 1)

    if isinstance(value, list):
        return [nxt(v) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(nxt(v) for v in value)
    if isinstance(value, dict) and type(value) is dict:
        return {nxt(k): nxt(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return type(value)(nxt(v) for v in value)
    return value


def _grow(value, factor, mode):
    if isinstance(value, (str, bytes)):
        return value * factor
    size = _size(value)
    if size == 0 or type(value) not in (list, tuple, dict, set, frozenset):
        return value
    stride = _stride(value)

    def item(base, copy):
        return base if copy == 0 or mode == "repeat" else _freshen(base, copy, stride)

    if isinstance(value, (list, tuple)):
        items = list(value)
        grown = [item(items[k % size], k // size) for k in range(size * factor)]
        return grown if isinstance(value, list) else tuple(grown)
    if isinstance(value, dict):
        grown = {}
        for copy in range(factor):
            for k, v in value.items():
                grown[k if copy == 0 else _freshen(k, copy, stride)] = item(v, copy)
        return grown
    return type(value)(v if copy == 0 else _freshen(v, copy, stride) for copy in range(factor) for v in value)


def grow_call(call, factor, mode):
    """The call's arguments grown x factor, or None when none of them can grow."""
    args, kwargs = call["args"], call["kwargs"]
    if input_size(args, kwargs) == 0:
        return None
    return {
        "args": tuple(_grow(a, factor, mode) for a in args),
        "kwargs": {k: _grow(v, factor, mode) for k, v in kwargs.items()},
        "receiver": call["receiver"],
    }


def derive_scaled_calls(calls, scale, original, outcome, difference, clock=None, call_ns=None):
    """Scaled copies of up to scale["maxCalls"] recorded calls (the largest first), by factor: a list of
    {"factor", "calls": [{"payload", "index", "n", "mode"}]}, and notes on what was dropped. Calls with callbacks are
    not grown (their recorded answers only cover the recorded inputs). At each factor the original's time over the
    kept calls stays within scale["budgetNs"] (one pass at that scale); a call that does not fit, or that the
    original rejects, stops growing. call_ns(payload), when given, times the original on one call alone, its
    arguments unpickled beforehand."""
    # The verify runner passes the real clock: it replaces time.perf_counter_ns for the code under test.
    clock = clock or time.perf_counter_ns
    notes, growing = [], []
    for index, payload in enumerate(calls):
        record = pickle.loads(payload)
        if record.get("callbacks") or "pre" not in record:
            continue
        try:
            call = pickle.loads(record["pre"])
        except Exception:
            continue
        size = input_size(call["args"], call["kwargs"])
        if size > 0:
            growing.append({"call": call, "index": index, "n": size, "payload": payload})
    growing.sort(key=lambda c: -c["n"])
    growing = growing[: scale["maxCalls"]]
    for entry in growing:
        start = clock()
        result = outcome(original, entry["payload"])
        ns = clock() - start
        entry["previous"] = None if "error" in result else (1, ns, ns)
    growing = [e for e in growing if e["previous"]]
    scales = []
    for factor in scale["factors"]:
        # Past x1000 only while the calls are still too short, on average, for their complexity to be fitted (see
        # defaults.ts): decided for all of them at once, so that the larger scale times the same calls.
        warm = [e["previous"][2] for e in growing]
        if factor > 1000 and warm and sum(warm) / len(warm) >= scale.get("longEnoughNs", 0):
            break
        kept, spent = [], 0
        for entry in growing:
            label = "×%d of call %d" % (factor, entry["index"])
            if entry["n"] * factor > _max_elements:
                continue
            last_factor, last_ns, _ = entry["previous"]
            if spent + last_ns * factor / last_factor > scale["budgetNs"]:
                notes.append("%s: not tried, over the %g ms budget of a pass" % (label, scale["budgetNs"] / 1e6))
                continue
            grown = _grow_one(entry, factor, scale["budgetNs"] - spent, original, outcome, difference, clock)
            if grown.get("note"):
                notes.append(label + grown["note"])
            if "payload" not in grown:
                continue
            spent += grown["ns"]
            warm_ns = min(call_ns(grown["payload"]) for _ in range(3)) if call_ns else grown["ns"]
            entry["previous"] = (factor, grown["ns"], warm_ns)
            kept.append({"payload": grown["payload"], "index": entry["index"], "n": entry["n"] * factor})
        growing = [e for e in growing if e["previous"][0] == factor]
        if kept:
            scales.append({"factor": factor, "calls": kept})
    return scales, notes


def same_calls_at_every_scale(scales, notes):
    """The grown scales to time, every one over the same calls: those of the scale with the largest input
    (scaled-calls.mjs explains why). Every grown call was checked against the original before this; model-generated
    scales stay."""
    grown = [s for s in scales if not s.get("source")]
    if not grown:
        return scales

    def largest_n(s):
        return max(c["n"] for c in s["calls"])

    top = grown[0]
    for s in grown:
        if largest_n(s) >= largest_n(top):
            top = s
    kept = {c["index"] for c in top["calls"]}

    def complete(s):
        return kept <= {c["index"] for c in s["calls"]}

    where = "n = %d (×%d)" % (largest_n(top), top["factor"])
    left = sorted({c["index"] for s in grown for c in s["calls"] if c["index"] not in kept})
    if left:
        notes.append(
            "call%s %s: checked as grown, not timed: every timed size repeats the calls of %s"
            % ("s" if len(left) > 1 else "", ", ".join(map(str, left)), where)
        )
    dropped = [s for s in grown if not complete(s)]
    if dropped:
        notes.append(
            "%s: checked, not timed: without all the calls of %s"
            % (", ".join("×%d" % s["factor"] for s in dropped), where)
        )
    timed = []
    for s in scales:
        if not s.get("source"):
            if not complete(s):
                continue
            calls = [c for c in s["calls"] if c["index"] in kept]
            s = dict(s, calls=calls, passNs=sum(c.get("passNs", 0) for c in calls))
        timed.append(s)
    return timed


def _grow_one(entry, factor, budget_ns, original, outcome, difference, clock):
    note = None
    for mode in ("fresh", "repeat"):
        grown = grow_call(entry["call"], factor, mode)
        if grown is None:
            break
        try:
            payload = pickle.dumps({"pre": pickle.dumps(grown, protocol=4), "callbacks": []}, protocol=4)
        except Exception:
            break
        start = clock()
        first = outcome(original, payload)
        ns = clock() - start
        if "error" in first:
            note = note or ": dropped, the original raises %s: %s" % (first["error"][0], first["error"][1][:80])
            continue
        if ns > budget_ns:
            return {"note": ": dropped, the original took %.1f ms, over the budget" % (ns / 1e6)}
        if difference(first, outcome(original, payload)):
            note = note or ": dropped, the original is not deterministic on it"
            continue
        return {"payload": payload, "ns": ns, "mode": mode}
    return {"note": note} if note else {}


def derive_generated_calls(workload, original, outcome, difference, clock):
    """The inputs the model's generator wrote (workload_generator.py: Python literals, read with ast.literal_eval),
    kept size by size while the original handles them (no exception, the same outcome twice, within the budget of
    a pass); a size that fails stops the series. Same shape as derive_scaled_calls, with "source": "model" and the
    generator's n as "factor"."""
    by_size = {}
    try:
        with open(workload["file"]) as lines:
            for line in lines:
                if line.strip():
                    entry = json.loads(line)
                    by_size.setdefault(int(entry["n"]), []).append(ast.literal_eval(entry["args"]))
    except (OSError, ValueError, SyntaxError):
        return [], ["model-generated inputs: unreadable"]
    scales, notes = [], []
    for n in sorted(by_size):
        kept, spent, stop = [], 0, None
        for index, args in enumerate(by_size[n]):
            call = {"args": tuple(args), "kwargs": {}, "receiver": None}
            payload = pickle.dumps({"pre": pickle.dumps(call, protocol=4), "callbacks": []}, protocol=4)
            start = clock()
            first = outcome(original, payload)
            spent += clock() - start
            if "error" in first:
                stop = "the original raises %s: %s" % (first["error"][0], first["error"][1][:80])
            elif spent > workload["budgetNs"]:
                stop = "the original took %.1f ms, over the budget" % (spent / 1e6)
            elif difference(first, outcome(original, payload)):
                stop = "the original is not deterministic on them"
            if stop:
                break
            kept.append({"payload": payload, "index": index, "n": n})
        if stop:
            notes.append("model-generated inputs at n = %d: dropped, %s" % (n, stop))
            break
        scales.append({"factor": n, "source": "model", "calls": kept})
    return scales, notes

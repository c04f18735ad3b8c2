"""Runs inside the sandbox, in the verify runner: one replay of a recorded call on one side, compared with the
other side's (value, exception, argument and receiver state), and batches of replays for timing."""

import asyncio
import gc
import inspect
import pickle

from afterburner_equal import equal, show, state_of
from afterburner_recorded_calls import StandIn, load_call
from afterburner_replay_clock import clock_elapsed, clock_start, reset_environment
from afterburner_verify_spec import target


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


_loop = None


async def _timed_async(runs):
    start = clock_start()
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
    return clock_elapsed(start)


def _timed(runs):
    global _loop
    if target.get("async"):
        _loop = _loop or asyncio.new_event_loop()
        return _loop.run_until_complete(_timed_async(runs))
    drain = target.get("generator")
    start = clock_start()
    for run in runs:
        try:
            value = run()
            if drain:
                for _ in value:
                    pass
        except Exception:
            # Raised exceptions are part of the behaviour being timed; the differential check compared them.
            pass
    return clock_elapsed(start)


def run_batch(entry, calls, repeats):
    runs = [invoker(entry, payload)[1] for _ in range(repeats) for payload in calls]
    reset_environment()
    gc.collect()
    gc.disable()
    try:
        return _timed(runs)
    finally:
        gc.enable()


def time_once(entry, payload):
    """One replay of a call timed alone, its arguments unpickled first (no collection before it)."""
    runs = [invoker(entry, payload)[1]]
    reset_environment()
    return _timed(runs)

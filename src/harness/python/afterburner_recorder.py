"""Imported by a temporary, instrumented copy of the target's module while the repository's tests run.

The instrumentation appends `NAME = __afterburner.wrap(ID, NAME)` (or `wrap_method`) at the end of the module, so
`from module import NAME` in the tests sees the wrapper. Each outermost call of the target is pickled *before* it
runs (arguments, keyword arguments and, for instance methods, the receiver) into
`$AFTERBURNER_CAPTURE_DIR/<id>.calls` as length-prefixed records; calls that cannot be pickled or are too large
are counted in `<id>.skipped`. The tests that called it (AFTERBURNER_CURRENT_TEST, set by the pytest plugin
afterburner_pytest.py or by run_unittest.py) are listed once each in `<id>.tests`, calls past the limits included.
"""

import contextvars
import functools
import inspect
import os
import pickle
import re
import struct

_capture_dir = os.environ.get("AFTERBURNER_CAPTURE_DIR")
_max_calls = int(os.environ.get("AFTERBURNER_CAPTURE_MAX_CALLS") or 200)
_max_call_bytes = int(os.environ.get("AFTERBURNER_CAPTURE_MAX_CALL_BYTES") or 1024 * 1024)
_max_total_bytes = int(os.environ.get("AFTERBURNER_CAPTURE_MAX_BYTES") or 32 * 1024 * 1024)

# Only outermost calls are recorded: a recursive target or one that calls itself through a helper would otherwise
# record its own inner calls. A context variable keeps concurrent asyncio tasks apart.
_depth = contextvars.ContextVar("afterburner_depth", default=0)
_recorded = {}
_attributed = set()


def _file(target_id, suffix):
    return os.path.join(_capture_dir, re.sub(r"[^A-Za-z0-9_.-]+", "_", target_id) + "." + suffix)


def _skip(target_id):
    with open(_file(target_id, "skipped"), "a") as handle:
        handle.write("x")


def _attribute(target_id):
    test = os.environ.get("AFTERBURNER_CURRENT_TEST")
    if not test or (target_id, test) in _attributed:
        return
    _attributed.add((target_id, test))
    with open(_file(target_id, "tests"), "a") as handle:
        handle.write(test.replace("\n", " ") + "\n")


def _record(target_id, args, kwargs, receiver=None):
    if _capture_dir and _depth.get() == 0:
        _attribute(target_id)
    if not _capture_dir or _depth.get() > 0 or _recorded.get(target_id, 0) >= _max_calls:
        return
    path = _file(target_id, "calls")
    try:
        if os.path.exists(path) and os.path.getsize(path) >= _max_total_bytes:
            return
        payload = pickle.dumps({"args": tuple(args), "kwargs": dict(kwargs), "receiver": receiver}, protocol=4)
    except Exception:
        _skip(target_id)
        return
    if len(payload) > _max_call_bytes:
        _skip(target_id)
        return
    with open(path, "ab") as handle:
        handle.write(struct.pack("<I", len(payload)) + payload)
    _recorded[target_id] = _recorded.get(target_id, 0) + 1


def _recording(target_id, fn, receiver_of):
    """A function that records each outermost call (receiver_of picks the receiver out of args), then runs fn."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def async_wrapper(*args, **kwargs):
            receiver, rest = receiver_of(args)
            _record(target_id, rest, kwargs, receiver)
            token = _depth.set(_depth.get() + 1)
            try:
                return await fn(*args, **kwargs)
            finally:
                _depth.reset(token)

        return async_wrapper

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        receiver, rest = receiver_of(args)
        _record(target_id, rest, kwargs, receiver)
        token = _depth.set(_depth.get() + 1)
        try:
            return fn(*args, **kwargs)
        finally:
            _depth.reset(token)

    return wrapper


def _no_receiver(args):
    return None, args


def _self_receiver(args):
    return (args[0] if args else None), args[1:]


def _class_receiver(args):
    # The class itself is not recorded: replay calls the method on the module's class.
    return None, args[1:]


def wrap(target_id, fn):
    """Wraps a module-level function."""
    if not callable(fn) or getattr(fn, "__afterburner_wrapped__", False):
        return fn
    wrapped = _recording(target_id, fn, _no_receiver)
    wrapped.__afterburner_wrapped__ = True
    return wrapped


def wrap_method(target_id, owner, name, kind="method"):
    """Wraps a method, static method, class method or property accessor (kind 'get' / 'set') in its class."""
    raw = owner.__dict__.get(name)
    if raw is None:
        return
    if isinstance(raw, staticmethod):
        setattr(owner, name, staticmethod(_recording(target_id, raw.__func__, _no_receiver)))
    elif isinstance(raw, classmethod):
        setattr(owner, name, classmethod(_recording(target_id, raw.__func__, _class_receiver)))
    elif isinstance(raw, property):
        if kind == "set" and raw.fset is not None:
            replaced = raw.setter(_recording(target_id, raw.fset, _self_receiver))
        elif raw.fget is not None:
            replaced = raw.getter(_recording(target_id, raw.fget, _self_receiver))
        else:
            return
        setattr(owner, name, replaced)
    elif inspect.isfunction(raw):
        setattr(owner, name, _recording(target_id, raw, _self_receiver))

"""Imported by a temporary, instrumented copy of the target's module while the repository's tests run.

The instrumentation appends `NAME = __afterburner.wrap(ID, NAME)` (or `wrap_method`) at the end of the module, so
`from module import NAME` in the tests sees the wrapper. Each outermost call of the target is pickled *before* it
runs (arguments, keyword arguments and, for instance methods, the receiver) and written once it has settled into
`$AFTERBURNER_CAPTURE_DIR/<id>.calls` as length-prefixed records. A callable argument pickle cannot keep (a lambda,
a closure) is logged with what it was called with and answered. Calls that cannot be recorded are listed, one
reason a line, in `<id>.skipped`. The tests that called it (AFTERBURNER_CURRENT_TEST, set by the pytest plugin
afterburner_pytest.py or by run_unittest.py) are listed once each in `<id>.tests`, calls past the limits included.
"""

import contextvars
import functools
import inspect
import io
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


def _skip(target_id, why="arguments that cannot be pickled"):
    with open(_file(target_id, "skipped"), "a") as handle:
        handle.write(why.replace("\n", " ") + "\n")


def _attribute(target_id):
    test = os.environ.get("AFTERBURNER_CURRENT_TEST")
    if not test or (target_id, test) in _attributed:
        return
    _attributed.add((target_id, test))
    with open(_file(target_id, "tests"), "a") as handle:
        handle.write(test.replace("\n", " ") + "\n")


_max_callback_calls = 10000


_atomic = (int, float, complex, str, bytes, bool, type(None))


def _places(args, kwargs):
    """Where each container or object of the arguments sits, by id: a callback's arguments and answers that are
    objects of the call's input are logged as references, so that the replay can look them up by identity."""
    places, queue = {}, [(value, ("args", i)) for i, value in enumerate(args)]
    queue += [(value, ("kwargs", name)) for name, value in kwargs.items()]
    while queue and len(places) < 100000:
        value, place = queue.pop()
        if isinstance(value, _atomic) or id(value) in places:
            continue
        places[id(value)] = (place, value)
        if isinstance(value, (list, tuple)):
            queue += [(item, place + (i,)) for i, item in enumerate(value)]
        elif isinstance(value, dict):
            queue += [(item, place + (key,)) for key, item in value.items() if isinstance(key, (str, int))]
    return places


class _RefPickler(pickle.Pickler):
    def __init__(self, handle, places):
        super().__init__(handle, protocol=4)
        self._places = places

    def persistent_id(self, obj):
        if isinstance(obj, _atomic):
            return None
        found = self._places.get(id(obj))
        return ("afterburner-ref", found[0]) if found is not None and found[1] is obj else None


class _Callback:
    """A callable argument that pickle cannot keep (a lambda, a closure): forwards every call to it and logs the
    arguments and the answer, so that the replay can answer the same way without the test's closure."""

    def __init__(self, fn, places):
        self.fn = fn
        self.places = places
        self.calls = []
        self.broken = None
        functools.update_wrapper(self, fn, updated=())

    def __call__(self, *args, **kwargs):
        try:
            result = self.fn(*args, **kwargs)
        except Exception as error:
            self._note(args, kwargs, ("raise", type(error).__qualname__, str(error)))
            raise
        self._note(args, kwargs, ("return", result))
        return result

    def _note(self, args, kwargs, answer):
        if self.broken:
            return
        if len(self.calls) >= _max_callback_calls:
            self.broken = "a callback called too often to record"
            return
        try:
            buffer = io.BytesIO()
            _RefPickler(buffer, self.places).dump((args, kwargs, answer))
            self.calls.append(buffer.getvalue())
        except Exception:
            self.broken = "a callback whose arguments or answer cannot be pickled"


def _picklable(value):
    try:
        pickle.dumps(value, protocol=4)
        return True
    except Exception:
        return False


class _PrePickler(pickle.Pickler):
    """Pickles the arguments with each logged callback as a placeholder the replay swaps for a stand-in."""

    def __init__(self, handle, callables):
        super().__init__(handle, protocol=4)
        self._callables = callables

    def persistent_id(self, obj):
        for index, fn in enumerate(self._callables):
            if obj is fn:
                return ("afterburner-callback", index)
        return None


def _begin(target_id, args, kwargs, receiver):
    """The call being recorded (its arguments as they were before it) and the arguments to run it with."""
    if _capture_dir and _depth.get() == 0:
        _attribute(target_id)
    if not _capture_dir or _depth.get() > 0 or _recorded.get(target_id, 0) >= _max_calls:
        return None, args, kwargs
    path = _file(target_id, "calls")
    try:
        if os.path.exists(path) and os.path.getsize(path) >= _max_total_bytes:
            return None, args, kwargs
        values = list(args) + list(kwargs.values())
        callables = [v for v in values if callable(v) and not isinstance(v, type) and not _picklable(v)]
        buffer = io.BytesIO()
        _PrePickler(buffer, callables).dump({"args": tuple(args), "kwargs": dict(kwargs), "receiver": receiver})
        pre = buffer.getvalue()
    except Exception:
        _skip(target_id)
        return None, args, kwargs
    if len(pre) > _max_call_bytes:
        _skip(target_id, "arguments over the size limit")
        return None, args, kwargs
    _recorded[target_id] = _recorded.get(target_id, 0) + 1
    places = _places(args, kwargs) if callables else {}
    logs = [_Callback(fn, places) for fn in callables]
    swap = {id(fn): log for fn, log in zip(callables, logs)}
    run_args = tuple(swap.get(id(a), a) if any(a is fn for fn in callables) else a for a in args)
    run_kwargs = {k: (swap[id(v)] if any(v is fn for fn in callables) else v) for k, v in kwargs.items()}
    return {"id": target_id, "pre": pre, "logs": logs}, run_args, run_kwargs


def _end(call, threw, value=None):
    """Writes the call once it has settled; one with callbacks keeps what it returned, so that the replay can prove
    it reproduces the test's call before using it as evidence."""
    if call is None:
        return
    broken = next((log.broken for log in call["logs"] if log.broken), None)
    if broken:
        _skip(call["id"], broken)
        return
    record = {"pre": call["pre"], "callbacks": [log.calls for log in call["logs"]]}
    if call["logs"]:
        record["outcome"] = {"threw": threw}
        if not threw:
            try:
                record["outcome"]["result"] = pickle.dumps(value, protocol=4)
            except Exception:
                pass
    try:
        payload = pickle.dumps(record, protocol=4)
    except Exception:
        _skip(call["id"])
        return
    if len(payload) > _max_call_bytes:
        _skip(call["id"], "arguments over the size limit")
        return
    with open(_file(call["id"], "calls"), "ab") as handle:
        handle.write(struct.pack("<I", len(payload)) + payload)


def _recording(target_id, fn, receiver_of):
    """A function that records each outermost call (receiver_of picks the receiver out of args), then runs fn."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def async_wrapper(*args, **kwargs):
            receiver, rest = receiver_of(args)
            call, run_rest, run_kwargs = _begin(target_id, rest, kwargs, receiver)
            run_args = tuple(args[: len(args) - len(rest)]) + tuple(run_rest)
            token = _depth.set(_depth.get() + 1)
            try:
                value = await fn(*run_args, **run_kwargs)
            except BaseException:
                _depth.reset(token)
                _end(call, True)
                raise
            _depth.reset(token)
            _end(call, False, value)
            return value

        return async_wrapper

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        receiver, rest = receiver_of(args)
        call, run_rest, run_kwargs = _begin(target_id, rest, kwargs, receiver)
        run_args = tuple(args[: len(args) - len(rest)]) + tuple(run_rest)
        token = _depth.set(_depth.get() + 1)
        try:
            value = fn(*run_args, **run_kwargs)
        except BaseException:
            _depth.reset(token)
            _end(call, True)
            raise
        _depth.reset(token)
        _end(call, False, value)
        return value

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

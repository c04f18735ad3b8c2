"""Runs inside the sandbox, in the verify runner: the calls recorded during the tests (pickled frames), read back
with each callback replaced by a stand-in that answers from its recording."""

import builtins
import copy
import io
import pickle
import struct

from afterburner_equal import equal, show, state_of
from afterburner_scale import input_size
from afterburner_verify_spec import spec


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


def show_input(payload):
    call, _, _ = load_call(payload)
    text = show(call["args"])
    if call["kwargs"]:
        text += " kwargs " + show(call["kwargs"])
    if call["receiver"] is not None:
        text += " on " + show(state_of(call["receiver"]))
    return text[:600]


def recorded_size(payload):
    """Input size of a recorded call (its largest collection argument); 0 when it holds none."""
    try:
        call, _, _ = load_call(payload)
        return input_size(call["args"], call["kwargs"])
    except Exception:
        return 0


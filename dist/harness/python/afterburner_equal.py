"""Equality for the differential check: Python `==` made strict about types and lenient about float rounding.

Floats compare with math.isclose(rel_tol=1e-9, abs_tol=0) (NaN equals NaN), recursively through lists, tuples,
dicts and sets; numpy arrays with numpy.allclose when numpy is loaded; instances whose class keeps identity
equality compare by their own state; iterators are drained. Types must match: a candidate that returns 2.0 where
the original returned 2 changes what callers see.
"""

import dataclasses
import itertools
import math
import reprlib
import sys

_MAX_DRAIN = 10000
_missing = object()


def state_of(value):
    """An object's own state: its __dict__ plus any __slots__ values."""
    state = dict(getattr(value, "__dict__", {}) or {})
    for klass in type(value).__mro__:
        slots = klass.__dict__.get("__slots__", ())
        for slot in (slots,) if isinstance(slots, str) else slots:
            if slot not in ("__dict__", "__weakref__"):
                state["." + slot] = getattr(value, slot, _missing)
    return state


def _floats_equal(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)


def _numpy_equal(np, a, b):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind in "fc":
        return bool(np.allclose(a, b, rtol=1e-9, atol=0.0, equal_nan=True))
    if a.dtype.kind == "O":
        return all(equal(x, y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist()))
    return bool(np.array_equal(a, b))


def _is_iterator(value):
    return hasattr(value, "__next__") and hasattr(value, "__iter__")


def _drain(iterator):
    items = []
    for item in iterator:
        items.append(item)
        if len(items) >= _MAX_DRAIN:
            break
    return items


def equal(a, b, seen=None):
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is float:
        return _floats_equal(a, b)
    if kind is complex:
        return _floats_equal(a.real, b.real) and _floats_equal(a.imag, b.imag)
    if kind in (int, bool, str, bytes, bytearray, type(None), range):
        return a == b
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(a, np.ndarray):
            return _numpy_equal(np, a, b)
        if isinstance(a, np.generic):
            return equal(a.item(), b.item(), seen)
    seen = set() if seen is None else seen
    key = (id(a), id(b))
    if key in seen:
        return True
    seen.add(key)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(equal(x, y, seen) for x, y in zip(a, b))
    if isinstance(a, dict):
        if len(a) != len(b):
            return False
        for k, v in a.items():
            other = b.get(k, _missing)
            if other is _missing or not equal(v, other, seen):
                return False
        return True
    if isinstance(a, (set, frozenset)):
        return a == b
    if isinstance(a, BaseException):
        return equal(a.args, b.args, seen) and equal(state_of(a), state_of(b), seen)
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        fields = [f.name for f in dataclasses.fields(a) if f.compare]
        return all(equal(getattr(a, f), getattr(b, f), seen) for f in fields)
    if _is_iterator(a):
        return equal(_drain(a), _drain(b), seen)
    if kind.__eq__ is object.__eq__:
        return equal(state_of(a), state_of(b), seen)
    try:
        return bool(a == b)
    except Exception:
        return equal(state_of(a), state_of(b), seen)


class _InsertionOrderRepr(reprlib.Repr):
    """reprlib sorts dict keys; a mismatch report must show the order the code produced."""

    def repr_dict(self, x, level):
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        pieces = [
            "%s: %s" % (self.repr1(key, level - 1), self.repr1(value, level - 1))
            for key, value in itertools.islice(x.items(), self.maxdict)
        ]
        if len(x) > self.maxdict:
            pieces.append("...")
        return "{%s}" % ", ".join(pieces)


_repr = _InsertionOrderRepr()
_repr.maxlevel = 4
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxfrozenset = _repr.maxdeque = 12
_repr.maxdict = 12
_repr.maxstring = 120
_repr.maxother = 200


def show(value, limit=500):
    try:
        text = _repr.repr(value)
    except Exception as error:
        text = "<unrepresentable %s: %s>" % (type(value).__name__, error)
    return text if len(text) <= limit else text[: limit - 1] + "…"

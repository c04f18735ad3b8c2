"""Runs inside the sandbox, in the verify runner: loads the original and the candidate as copies of the target's
module (same package, so relative imports work) and finds the target in each."""

import importlib.util
import inspect
import os
import re
import sys

from afterburner_verify_spec import spec, target


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

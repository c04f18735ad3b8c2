"""Runs inside the sandbox, in the verify runner: a clock that advances 1 ms per reading and a seeded random
module, reset before every call, so that the same call replays the same way. The runner's own timing reads the
real clock, kept here before the patch."""

import asyncio
import asyncio.base_events
import random
import time

from afterburner_verify_spec import spec

real_perf_counter_ns = time.perf_counter_ns
_real_monotonic = time.monotonic

_ticks = [0]


def _tick():
    _ticks[0] += 1
    return _ticks[0]


def install_clock():
    """Patches the time module for the rest of the process. Installed before the modules load, so
    `from time import time` binds the patched function too."""
    time.time = lambda: 1_700_000_000 + _tick() / 1000
    time.time_ns = lambda: (1_700_000_000_000 + _tick()) * 1_000_000
    time.perf_counter = lambda: _tick() / 1000
    time.perf_counter_ns = lambda: _tick() * 1_000_000
    time.monotonic = lambda: _tick() / 1000
    time.monotonic_ns = lambda: _tick() * 1_000_000
    # The event loop schedules sleeps with the real clock; the patched one would stretch `await asyncio.sleep(1)`.
    asyncio.base_events.BaseEventLoop.time = lambda self: _real_monotonic()


def reset_environment():
    _ticks[0] = 0
    random.seed(spec["seed"])

"""Runs inside the sandbox, in the verify runner: a clock that advances 1 ms per reading and a seeded random
module, reset before every call, so that the same call replays the same way. The runner's own timing reads the
real clock, kept here before the patch."""

import asyncio
import asyncio.base_events
import os
import random
import time

from afterburner_verify_spec import spec

real_perf_counter_ns = time.perf_counter_ns
_real_monotonic = time.monotonic
_pread = os.pread

try:
    _schedstat = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
except OSError:
    _schedstat = None


def _delay_ns():
    """The thread's run-queue delay so far: the second field of "<on-cpu ns> <delay ns> <slices>"."""
    return int(_pread(_schedstat, 128, 0).split()[1]) if _schedstat is not None else 0


def clock_start():
    """A timed batch's clock (node/cpu-clock.mjs does the same): wall time less the time the thread waited for a
    CPU, which another tenant took. The delay is read inside the wall-clock window, so what it subtracts lies
    within it."""
    wall = real_perf_counter_ns()
    return wall, _delay_ns()


def clock_elapsed(mark):
    delay = _delay_ns()
    wall = real_perf_counter_ns()
    return max(0, wall - mark[0] - (delay - mark[1]) - _reading_ns)


_reading_ns = 0
_reading_ns = min(clock_elapsed(clock_start()) for _ in range(25))
clock_kind = "on-cpu" if _schedstat is not None else "wall"

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

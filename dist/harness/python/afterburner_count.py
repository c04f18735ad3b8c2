"""Runs inside the sandbox, under valgrind's callgrind (src/harness/instruction-counts.ts starts it with
--dump-before=getppid): replays one side's calls in passes, and reads the parent's pid (a getppid() system call)
before rebuilding a pass's arguments and again before running the pass, so that callgrind writes its counters at
both points. A pass's count is then the instructions of its calls alone. node/instruction-passes.mjs does the
same in Node."""

import os

from afterburner_replay import invoker, settle


def _unmarked():
    pass


def count_passes(entry, payloads, warmup, passes, tripwire, candidate):
    """`warmup` passes over every call unmarked (caches and specialized bytecode settle), then `passes` marked ones;
    the tripwire watches the candidate's, set in the same steps either side."""
    for index in range(warmup + passes):
        mark = _unmarked if index < warmup else os.getppid
        mark()
        runs = []
        for payload in payloads:
            try:
                runs.append(invoker(entry, payload)[1])
            except Exception:
                pass
        mark()
        tripwire.active = candidate
        for run in runs:
            try:
                settle(run())
            except Exception:
                # Raised exceptions are behaviour; the differential check compared them.
                pass
        tripwire.active = False
    os.getppid()

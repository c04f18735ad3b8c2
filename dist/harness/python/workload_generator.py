"""Runs inside the sandbox, in a process of its own: calls the model's input generator (`afterburner_inputs(n)` -> a
list of argument tuples) for growing n and writes what it returned as Python literals, which the verify runner reads
back with `ast.literal_eval` (no code, no pickle), so that nothing the generator does can reach the process that
checks and times the candidate.

Usage: python3 workload_generator.py SPEC.json -> one `AFTERBURNER_RESULT {json}` line;
SPEC = {"generator", "out", "sizes", "budgetNs", "maxBytes"}.
"""

import ast
import json
import runpy
import sys
import time


def finish(result):
    sys.stdout.write("\nAFTERBURNER_RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()
    sys.exit(0)


def literal(args):
    """The arguments as a literal that reads back equal, or None (objects, NaN, recursion)."""
    try:
        text = repr(tuple(args))
        return text if ast.literal_eval(text) == tuple(args) else None
    except Exception:
        return None


def main():
    with open(sys.argv[1]) as spec_file:
        spec = json.load(spec_file)
    try:
        generate = runpy.run_path(spec["generator"]).get("afterburner_inputs")
    except BaseException as error:
        finish({"status": "error", "message": "the input generator does not load: %r" % (error,)})
    if not callable(generate):
        finish({"status": "error", "message": "the answer defines no function `afterburner_inputs(n)`"})
    lines, notes, generated, size = [], [], [], 0
    for n in spec["sizes"]:
        started = time.perf_counter_ns()
        try:
            calls = list(generate(n))
        except BaseException as error:
            notes.append("n = %d: the generator raised %s" % (n, repr(error)[:120]))
            break
        if not calls or not all(isinstance(c, (tuple, list)) for c in calls):
            notes.append("n = %d: the generator did not return a non-empty list of argument tuples" % n)
            break
        encoded = [literal(args) for args in calls[:20]]
        if any(text is None for text in encoded):
            notes.append("n = %d: its inputs are not plain literals (numbers, strings, lists, dicts, sets...)" % n)
            break
        added = sum(len(text) for text in encoded)
        if size + added > spec["maxBytes"]:
            notes.append("n = %d: not kept, its inputs exceed %d MiB" % (n, spec["maxBytes"] // 2**20))
            break
        size += added
        lines.extend(json.dumps({"n": n, "args": text}) for text in encoded)
        generated.append(n)
        # Each size costs more to build than the last: stop before the next one would overrun the budget.
        if (time.perf_counter_ns() - started) * 10 > spec["budgetNs"]:
            break
    with open(spec["out"], "w") as out:
        out.write("\n".join(lines))
    finish({"status": "generated", "sizes": generated, "notes": notes})


if __name__ == "__main__":
    main()

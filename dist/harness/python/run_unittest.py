"""Runs test files with plain unittest (for repositories without pytest) and writes machine-readable results.

Usage: python3 run_unittest.py RESULTS.json TEST_FILE...  Exit status 0 when every test passed.
Results: {"passed": n, "failed": n, "failures": [{"name": ..., "message": first lines of the assertion}]}.
"""

import json
import os
import sys
import unittest


def module_name(path):
    stem = os.path.splitext(os.path.normpath(path))[0]
    return stem.replace(os.sep, ".")


def first_lines(trace, count=6):
    """The exception line of a traceback (after the indented frames) and the lines that follow it."""
    lines = trace.strip().splitlines()
    start = next(
        (i for i, line in enumerate(lines) if i > 0 and line and not line.startswith(" ")),
        0,
    )
    return "\n".join(lines[start : start + count])[:800]


def main():
    results_file, files = sys.argv[1], sys.argv[2:]
    sys.path.insert(0, os.getcwd())
    loader = unittest.defaultTestLoader
    suite = unittest.TestSuite()
    load_errors = []
    for path in files:
        try:
            suite.addTests(loader.loadTestsFromName(module_name(path)))
        except Exception as error:
            load_errors.append({"name": path, "message": "%s: %s" % (type(error).__name__, error)})
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(suite)
    failures = load_errors + [
        {"name": test.id(), "message": first_lines(trace)} for test, trace in result.failures + result.errors
    ]
    passed = result.testsRun - len(result.failures) - len(result.errors) - len(result.skipped)
    with open(results_file, "w") as handle:
        json.dump({"passed": passed, "failed": len(failures), "failures": failures}, handle)
    sys.exit(0 if not failures and result.testsRun > 0 else 1)


if __name__ == "__main__":
    main()

"""Runs test files with plain unittest (for repositories without pytest) and writes machine-readable results.

Usage: python3 run_unittest.py RESULTS.json TEST...  Exit status 0 when every test passed. A TEST is a file
(`tests/test_x.py`) or a test's dotted id (`tests.test_x.TestX.test_y`). While each test runs,
AFTERBURNER_CURRENT_TEST holds its id, for the recorder.
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


class _NamingResult(unittest.TextTestResult):
    def startTest(self, test):
        os.environ["AFTERBURNER_CURRENT_TEST"] = test.id()
        super().startTest(test)

    def stopTest(self, test):
        super().stopTest(test)
        os.environ.pop("AFTERBURNER_CURRENT_TEST", None)


def main():
    results_file, files = sys.argv[1], sys.argv[2:]
    sys.path.insert(0, os.getcwd())
    loader = unittest.defaultTestLoader
    suite = unittest.TestSuite()
    load_errors = []
    for path in files:
        try:
            name = module_name(path) if path.endswith(".py") else path
            suite.addTests(loader.loadTestsFromName(name))
        except Exception as error:
            load_errors.append({"name": path, "message": "%s: %s" % (type(error).__name__, error)})
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=1, resultclass=_NamingResult).run(suite)
    failures = load_errors + [
        {"name": test.id(), "message": first_lines(trace)} for test, trace in result.failures + result.errors
    ]
    passed = result.testsRun - len(result.failures) - len(result.errors) - len(result.skipped)
    with open(results_file, "w") as handle:
        json.dump({"passed": passed, "failed": len(failures), "failures": failures}, handle)
    sys.exit(0 if not failures and result.testsRun > 0 else 1)


if __name__ == "__main__":
    main()

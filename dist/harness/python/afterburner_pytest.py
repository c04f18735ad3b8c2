"""A pytest plugin (`-p afterburner_pytest`): names the running test for the recorder.

While each test runs (setup, call and teardown), AFTERBURNER_CURRENT_TEST holds its node id with the file part
relative to the directory pytest was started in (pytest's own ids are relative to its rootdir, which the project's
configuration may move), so that the id can be passed back on the next command line as it is.
"""

import os

import pytest


def _invocation_id(item):
    nodeid = item.nodeid
    path = getattr(item, "path", None)
    if path is None:
        return nodeid
    rest = nodeid.split("::", 1)[1] if "::" in nodeid else ""
    relative = os.path.relpath(str(path), os.getcwd()).replace(os.sep, "/")
    return relative + ("::" + rest if rest else "")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    os.environ["AFTERBURNER_CURRENT_TEST"] = _invocation_id(item)
    try:
        yield
    finally:
        os.environ.pop("AFTERBURNER_CURRENT_TEST", None)

"""Runs inside the sandbox, in the verify runner: the spec it was started with (python3 verify_runner.py SPEC.json),
read once for the runner's modules."""

import json
import sys

with open(sys.argv[1]) as spec_file:
    spec = json.load(spec_file)

target = spec["target"]

/** Embedded defaults: what a run uses when nothing is configured. */
export const defaults = {
  /** The paper's loop: N iterations of k candidates (Afterburner issue #6). */
  iterations: 3,
  candidates: 4,
  instruction: 'time',
  /** The offline rule catalog is asked first (free) when a model is configured. */
  rules: 'first',
  minSpeedupPercent: 10,
  rounds: 30,
  /** Input growth factors with `--scale`; without it only the tests' own inputs are timed. */
  scaleFactors: [10, 100, 1000, 10_000],
  /**
   * A call grows past ×1000 only while the original takes less than this on it: a linear loop over 4 000 elements
   * takes a few µs, too close to a call's fixed cost for its complexity to be fitted, while larger inputs than
   * needed cost time and, in Node, land in large-object space, whose page faults bend the fit on a VM.
   */
  scaleLongEnoughUs: 20,
  /**
   * Per candidate, for running the repository's own benchmarks that reach the function (vitest bench files,
   * benchmark.js, tinybench and mitata scripts, pytest-benchmark tests) on both versions; 0 leaves them out.
   */
  repoBenchSeconds: 240,
  sandbox: 'auto',
  /** The official image GitHub's runners pull; set --image or AFTERBURNER_IMAGE to use another. */
  image: 'node:22-bookworm-slim',
  /** The same for Python targets: --python-image or AFTERBURNER_PYTHON_IMAGE. */
  pythonImage: 'python:3.12-slim-bookworm',
  /** One model request, answer included; the SDKs retry a timed-out request up to 3 times. */
  requestTimeoutSeconds: 120,
  /**
   * All model requests of one function together: a hung endpoint would otherwise cost 4 × 120 s per function
   * (the first try and 3 retries); past this the function stops with the reason and the others go on.
   */
  modelSecondsPerFunction: 300,
} as const;

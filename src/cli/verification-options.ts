import { type Command, Option } from 'commander';
import { defaults } from '../config/defaults.js';

/** Flags that say how candidates are verified and measured; shared by `review` and `optimize`. */
export function addVerificationOptions(command: Command): Command {
  return command
    .option(
      '--min-speedup <percent>',
      'minimum speedup the confidence interval must clear',
      String(defaults.minSpeedupPercent),
    )
    .option('--rounds <n>', 'timed rounds per candidate', String(defaults.rounds))
    .option(
      '--scale',
      "also check and time both versions on inputs grown ×10, ×100, ×1000 (×10 000 for calls still under 20 µs) from the tests' calls",
    )
    .option(
      '--repo-bench-seconds <s>',
      "time per candidate for the repository's own benchmarks that reach the function (vitest bench, benchmark.js, tinybench, mitata, pytest-benchmark); 0 = skip them",
      String(defaults.repoBenchSeconds),
    )
    .addOption(
      new Option('--sandbox <mode>', 'where code runs')
        .choices(['auto', 'docker', 'process'])
        .default(defaults.sandbox),
    )
    .option(
      '--image <name>',
      `sandbox image for JavaScript/TypeScript (default: $AFTERBURNER_IMAGE or ${defaults.image})`,
    )
    .option(
      '--python-image <name>',
      `sandbox image for Python (default: $AFTERBURNER_PYTHON_IMAGE or ${defaults.pythonImage})`,
    )
    .option('--test-command <cmd>', "the repository's test command (default: package.json scripts.test)")
    .option(
      '--setup-command <cmd>',
      'installs dependencies once, with network, before any untrusted code runs (e.g. "npm ci")',
    );
}

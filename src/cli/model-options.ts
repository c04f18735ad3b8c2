import { type Command, Option } from 'commander';
import { defaults } from '../config/defaults.js';
import { instructions } from '../optimize/metric.js';
import { providerNames } from '../providers/create-provider.js';

/** The flags that choose where candidates come from and how the loop runs; shared by review and optimize. */
export function addModelOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--provider <name>',
        'where candidates come from (default: rules unless --model or --base-url)',
      ).choices(providerNames),
    )
    .option(
      '--base-url <url>',
      'OpenAI-compatible endpoint (vLLM, Ollama, LM Studio, Azure…) or Anthropic base URL',
    )
    .option('--model <name>', 'model name (github-models default: openai/gpt-4.1-mini)')
    .addOption(
      new Option('--instruction <metric>', 'what to optimize for')
        .choices(instructions)
        .default(defaults.instruction),
    )
    .option('--iterations <n>', 'optimization iterations per function (N)', String(defaults.iterations))
    .option('--candidates <n>', 'candidates per iteration (group size k)', String(defaults.candidates))
    .addOption(
      new Option('--rules <mode>', 'offline rule catalog: first (before the model), only (no model), off')
        .choices(['first', 'only', 'off'])
        .default(defaults.rules),
    )
    .option('--max-tokens <n>', 'token budget of the run; when spent, remaining functions are skipped')
    .option('--max-cost <usd>', 'cost budget of the run in US dollars (needs --price)')
    .option('--price <in/out>', 'US dollars per million input/output tokens, e.g. 0.4/1.6')
    .option(
      '--request-timeout <seconds>',
      `timeout of one model request (default ${defaults.requestTimeoutSeconds})`,
    )
    .option(
      '--model-time <seconds>',
      `time one function may wait for the model in all (default ${defaults.modelSecondsPerFunction})`,
    )
    .option('--concurrency <n>', 'model requests in flight at once')
    .addOption(
      new Option('--sampling <mode>', 'ask for k candidates with `n` in one request, or separately').choices([
        'auto',
        'n',
        'separate',
      ]),
    )
    .option('--no-cache', 'do not read or write the result cache')
    .option(
      '--cache-dir <dir>',
      'where results and trajectories are kept, per repository (default: $XDG_CACHE_HOME/afterburner or ~/.cache/afterburner; never inside the repository)',
    );
}

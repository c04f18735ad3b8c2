import { Command, Option } from 'commander';
import { defaults } from '../config/defaults.js';
import { ExitCode } from '../errors.js';
import { version } from '../version.js';
import { type DemoOptions, demoCommand } from './demo-command.js';
import type { CommandIO } from './review-command.js';
import { reviewCommand } from './review-command.js';

const exitCodes = `
Exit codes:
  ${ExitCode.ok}  the run completed (with or without suggestions)
  ${ExitCode.internal}  unexpected internal error
  ${ExitCode.usage}  bad arguments, not a git repository, or an unknown ref
  ${ExitCode.sandboxUnavailable}  --sandbox docker was asked for but no Docker daemon or image is available

The model's API key is read from AFTERBURNER_API_KEY or OPENAI_API_KEY. AFTERBURNER_IMAGE sets the default image.`;

export function buildProgram(io: CommandIO): Command {
  const program = new Command('afterburner')
    .description('Makes the functions a change touched faster, and proves it with tests and measurements.')
    .version(version)
    .showHelpAfterError()
    .addHelpText('after', exitCodes);

  program
    .command('review')
    .description('optimize the functions changed between merge-base(base, head) and head')
    .requiredOption('--base <ref>', 'base of the change (e.g. origin/main)')
    .option('--head <ref>', 'head of the change', 'HEAD')
    .option('--repo <dir>', 'the git repository', '.')
    .option('--out <file>', 'write the Markdown report here (default: standard output)')
    .option('--json <file>', 'also write the report as JSON')
    .addOption(
      new Option(
        '--provider <name>',
        'where candidates come from (default: rules unless --model or --base-url)',
      ).choices(['openai', 'rules']),
    )
    .option('--base-url <url>', 'OpenAI-compatible endpoint (vLLM, Ollama, GitHub Models…)')
    .option('--model <name>', 'model name for --provider openai')
    .option('--iterations <n>', 'optimization iterations per function', String(defaults.iterations))
    .option('--candidates <n>', 'candidates per iteration', String(defaults.candidates))
    .option(
      '--min-speedup <percent>',
      'minimum speedup the confidence interval must clear',
      String(defaults.minSpeedupPercent),
    )
    .option('--rounds <n>', 'timed rounds per candidate', String(defaults.rounds))
    .addOption(
      new Option('--sandbox <mode>', 'where code runs')
        .choices(['auto', 'docker', 'process'])
        .default(defaults.sandbox),
    )
    .option('--image <name>', `sandbox image (default: $AFTERBURNER_IMAGE or ${defaults.image})`)
    .option('--test-command <cmd>', "the repository's test command (default: package.json scripts.test)")
    .addHelpText('after', exitCodes)
    .action(async (flags) => {
      await reviewCommand(flags, io);
    });

  program
    .command('demo')
    .description('run the review on the bundled example with the embedded defaults (no API key needed)')
    .option('--out <file>', 'Markdown report', 'afterburner-report.md')
    .option('--json <file>', 'JSON report', 'afterburner-report.json')
    .addOption(new Option('--sandbox <mode>', 'where code runs').choices(['auto', 'docker', 'process']))
    .option('--rounds <n>', 'timed rounds per candidate')
    .action(async (options: DemoOptions) => {
      await demoCommand(options, io);
    });
  return program;
}

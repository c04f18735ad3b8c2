import { Command, Option } from 'commander';
import { defaults } from '../config/defaults.js';
import type { FlagCommand } from '../config/settings.js';
import { ExitCode } from '../errors.js';
import { version } from '../version.js';
import { type DemoOptions, demoCommand } from './demo-command.js';
import { type EvalFlags, evalCommand, evalDefaults } from './eval-command.js';
import { type ExportOptions, exportCommand } from './export-command.js';
import { optimizeCommand } from './optimize-command.js';
import { addProgramSandboxFlags } from './program-sandbox.js';
import type { CommandIO } from './review-command.js';
import { reviewCommand } from './review-command.js';
import { type ServeFlags, serveCommand } from './serve-command.js';
import { addSettingOptions, givenSettings } from './setting-options.js';
import { sweepCommand } from './sweep-command.js';
import { type RawTargetsFlags, targetsCommand } from './targets-command.js';

/** The flags that say what a command is pointed at and where its reports go; every other flag is a setting. */
interface TargetFlags {
  repo?: string;
  base: string;
  head?: string;
  ref?: string;
  out?: string;
  json?: string;
}

const exitCodes = `
Exit codes:
  ${ExitCode.ok}  the run completed (with or without suggestions)
  ${ExitCode.internal}  unexpected internal error
  ${ExitCode.usage}  bad arguments, not a git repository, or an unknown ref
  ${ExitCode.sandboxUnavailable}  --sandbox docker was asked for but no Docker daemon or image is available
  ${ExitCode.setupFailed}  the setup command failed, so nothing could be checked (the reports are still written)

The model's API key is read from AFTERBURNER_API_KEY or OPENAI_API_KEY. AFTERBURNER_IMAGE sets the default image.`;

/** The flags every command that runs the pipeline shares: where, where to, and every setting's flag. */
function pipelineCommand(command: Command, name: FlagCommand): Command {
  command
    .option('--repo <dir>', 'the git repository', '.')
    .option('--out <file>', 'write the Markdown report here (default: standard output)')
    .option('--json <file>', 'also write the report as JSON');
  return addSettingOptions(command, name).addHelpText('after', exitCodes);
}

function requestOf(flags: TargetFlags, command: Command, name: FlagCommand) {
  return { repo: flags.repo, out: flags.out, json: flags.json, settings: givenSettings(command, name) };
}

export function buildProgram(io: CommandIO): Command {
  // exitOverride before the subcommands exist, so they inherit it: a usage error then maps to exit code 2.
  const program = new Command('afterburner')
    .exitOverride()
    .description('Makes the functions a change touched faster, and proves it with tests and measurements.')
    .version(version)
    // One line on standard error, like every other error this CLI reports; --help is one flag away.
    .configureOutput({
      outputError: (text, write) =>
        write(
          `afterburner: ${text
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')} (see --help)\n`,
        ),
    })
    .addHelpText('after', exitCodes);

  const review = program
    .command('review')
    .description('optimize the functions changed between merge-base(base, head) and head')
    .requiredOption('--base <ref>', 'base of the change (e.g. origin/main)')
    .option('--head <ref>', 'head of the change', 'HEAD');
  pipelineCommand(review, 'review').action(async (flags: TargetFlags, command: Command) => {
    await reviewCommand({ ...requestOf(flags, command, 'review'), base: flags.base, head: flags.head }, io);
  });

  const optimize = program
    .command('optimize')
    .description('optimize one function as committed at --ref, changed or not (FILE relative to --repo)')
    .argument('<FILE:FUNCTION>', 'e.g. src/posts.js:sharedTags or src/cache.js:Cache.get')
    .option('--ref <ref>', 'commit to read the function from', 'HEAD');
  pipelineCommand(optimize, 'optimize').action(async (spec: string, flags: TargetFlags, command: Command) => {
    await optimizeCommand(spec, { ...requestOf(flags, command, 'optimize'), ref: flags.ref }, io);
  });

  const sweep = program
    .command('sweep')
    .description(
      'optimize every function of the repository at --ref, changed or not (the scheduled sweep, run locally)',
    )
    .option('--ref <ref>', 'commit to read the functions from', 'HEAD');
  pipelineCommand(sweep, 'sweep').action(async (flags: TargetFlags, command: Command) => {
    await sweepCommand({ ...requestOf(flags, command, 'sweep'), ref: flags.ref }, io);
  });

  program
    .command('export')
    .description(
      "turn a repository's trajectory logs (kept in the per-user cache directory, see --cache-dir) into training data",
    )
    .addOption(
      new Option('--format <format>', 'sft, dpo or grpo')
        .choices(['sft', 'dpo', 'grpo'])
        .makeOptionMandatory(),
    )
    .option('--repo <dir>', 'the repository whose logs to read', '.')
    .option('--cache-dir <dir>', 'the --cache-dir the reviews used (default: the per-user cache directory)')
    .option('--out <file>', 'write JSONL here (default: standard output)')
    .action(async (options: ExportOptions) => {
      await exportCommand(options, io);
    });

  program
    .command('targets')
    .description(
      'list the functions changed between merge-base(base, head) and head, and what is skipped and why',
    )
    .requiredOption('--base <ref>', 'base of the change (e.g. origin/main)')
    .option('--head <ref>', 'head of the change', 'HEAD')
    .option('--repo <dir>', 'the git repository', '.')
    .option('--json', 'print the full result (targets with source and context, skips) as JSON')
    .action(async (flags: RawTargetsFlags) => {
      await targetsCommand(flags, io);
    });

  const evaluation = program
    .command('eval')
    .description(
      "score a model on efficiency problems with the paper's metrics: pass@1 and Beyond-T/M/I per iteration",
    )
    .requiredOption('--problems <file>', 'JSON Lines problem set (docs/eval.md); ours is eval/problems.jsonl')
    .option('--provider <name>', 'openai, anthropic or github-models', evalDefaults.provider)
    .option('--model <name>', "the model's name (e.g. a vLLM-served Afterburner model)")
    .option('--base-url <url>', 'an OpenAI-compatible endpoint (vLLM, Ollama…)')
    .option('--iterations <n>', 'improvement iterations after the first answer', evalDefaults.iterations)
    .option(
      '--instruction <objective>',
      'what each iteration improves: time, memory or integral',
      evalDefaults.instruction,
    )
    .option('--repeats <n>', 'runs per solution; each figure is their median', evalDefaults.repeats)
    .option('--timeout <seconds>', 'limit of one run of a solution', evalDefaults.timeout)
    .option('--only <ids>', 'comma-separated problem ids')
    .option('--out <file>', 'write the Markdown report here (default: standard output)')
    .option('--json <file>', 'also write the report as JSON');
  addProgramSandboxFlags(evaluation).action(async (flags: EvalFlags) => {
    await evalCommand(flags, io);
  });

  const serve = program
    .command('serve')
    .description('run programs for clients over HTTP, Monolith-compatible, in warm sandboxes (docs/serve.md)')
    .option('--port <n>', 'port to listen on (0: any free port)', '8000')
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--workers <n>', 'warm sandboxes per image, one task each at a time (default: number of CPUs)')
    .option('--queue <n>', 'tasks waiting for a worker before requests get 429', '64');
  addProgramSandboxFlags(serve).action(async (flags: ServeFlags) => {
    await serveCommand(flags, io);
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

import { AfterburnerError, ExitCode } from '../errors.js';
import { addSecretsFromEnv, redact } from '../redact.js';
import { buildProgram } from './program.js';
import { progressFor } from './progress-printer.js';

/** Runs the CLI and returns the exit code; errors the user can act on are printed as one line. */
export async function main(argv: string[]): Promise<number> {
  addSecretsFromEnv(process.env);
  const io = {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text: string) => void process.stdout.write(redact(text)),
    progress: progressFor(process.stderr, process.env),
  };
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof AfterburnerError) {
      process.stderr.write(redact(`afterburner: ${error.message}\n`));
      return error.exitCode;
    }
    const commanderCode = (error as { code?: string }).code;
    if (commanderCode?.startsWith('commander.')) {
      const done = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(commanderCode);
      return done ? ExitCode.ok : ExitCode.usage;
    }
    process.stderr.write(
      redact(
        `afterburner: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      ),
    );
    return ExitCode.internal;
  }
}

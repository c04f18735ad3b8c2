/** Exit codes of the CLI; documented in `afterburner --help`. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  sandboxUnavailable: 3,
  setupFailed: 4,
} as const;

export type ErrorKind =
  | 'usage'
  | 'not-a-repo'
  | 'unknown-ref'
  | 'sandbox-unavailable'
  | 'provider'
  | 'setup-failed'
  | 'internal';

/** An error the user can act on: printed as one line, mapped to an exit code, never with a stack trace. */
export class AfterburnerError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'AfterburnerError';
  }

  get exitCode(): number {
    switch (this.kind) {
      case 'usage':
      case 'not-a-repo':
      case 'unknown-ref':
        return ExitCode.usage;
      case 'sandbox-unavailable':
        return ExitCode.sandboxUnavailable;
      case 'setup-failed':
        return ExitCode.setupFailed;
      default:
        return ExitCode.internal;
    }
  }
}

/**
 * The setup command ran and failed: nothing after it can be checked with this tree and image, and running it
 * again would fail the same way. Other errors while setting up (the engine, the copy) are not this.
 */
export class SetupFailedError extends Error {
  constructor(
    readonly command: string,
    /** e.g. `exited with 7`, `was killed (time limit or memory)`. */
    readonly how: string,
    /** The last lines of its output, joined with ` | `. */
    readonly tail: string,
  ) {
    super(`setup \`${command}\` ${how}: ${tail || 'no output'}`);
    this.name = 'SetupFailedError';
  }
}

/** The last `lines` non-empty lines of a command's output, on one line. */
export function outputTail(text: string, lines = 5): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-lines)
    .join(' | ');
}

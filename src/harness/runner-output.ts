import type { ExecResult } from '../sandbox/types.js';

const resultMarker = 'AFTERBURNER_RESULT ';

/**
 * What a runner inside the sandbox (verify runner, input generator) printed as its `AFTERBURNER_RESULT {json}`
 * line, or undefined when it printed none (killed, crashed, timed out).
 */
export function runnerResult(run: ExecResult): unknown {
  const line = run.stdout.split('\n').findLast((l) => l.startsWith(resultMarker));
  return line === undefined ? undefined : JSON.parse(line.slice(resultMarker.length));
}

/** The last lines of what the runner printed, for an error message. */
export function outputTail(run: ExecResult, lines = 15): string {
  return `${run.stdout}\n${run.stderr}`.trimEnd().split('\n').slice(-lines).join('\n');
}

import { spawn } from 'node:child_process';

export interface ShellResult {
  code: number | null;
  /** Set when the command ran past its time limit and was killed. */
  timedOut: boolean;
  output: string;
  ms: number;
}

/** Runs `command` (argv, or a shell string) in its own process group; kills the group when time is up. */
export function run(
  command: string | string[],
  options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<ShellResult> {
  const started = Date.now();
  const [file, args] =
    typeof command === 'string' ? ['sh', ['-c', command]] : [command[0] as string, command.slice(1)];
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
      // Only the tail matters for reasons; keep memory bounded on chatty test runs.
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, timedOut, output: `${output}\n${error.message}`, ms: Date.now() - started });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, output, ms: Date.now() - started });
    });
  });
}

/** Like `run`, but throws with the output's tail unless the command exits 0. */
export async function must(command: string | string[], cwd: string, timeoutMs = 120_000): Promise<string> {
  const result = await run(command, { cwd, timeoutMs });
  if (result.code !== 0) {
    const shown = typeof command === 'string' ? command : command.join(' ');
    throw new Error(
      `${shown} ${result.timedOut ? 'timed out' : `exited ${result.code}`}: ${tail(result.output)}`,
    );
  }
  return result.output;
}

/** The last non-empty lines of some output, on one line. */
export function tail(output: string, lines = 3): string {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-lines)
    .join(' | ');
}

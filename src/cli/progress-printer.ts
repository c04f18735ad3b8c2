import type { Target } from '../detect/types.js';
import type { ProgressListener } from '../progress.js';
import { redact } from '../redact.js';

/** Plain lines, one per event: for CI logs and pipes. */
export function plainProgress(write: (line: string) => void): ProgressListener {
  return {
    notice: (line) => write(redact(`afterburner: ${line}\n`)),
    target: (target, status) => write(redact(`afterburner: ${target.name} (${target.path}): ${status}\n`)),
  };
}

/** One live line per target, redrawn in place: for a terminal. */
export function liveProgress(stream: NodeJS.WriteStream): ProgressListener {
  const order: string[] = [];
  const lines = new Map<string, string>();
  let drawn = 0;
  const width = () => Math.max(20, (stream.columns ?? 100) - 1);
  const redraw = (above?: string) => {
    let out = drawn > 0 ? `\x1b[${drawn}A` : '';
    if (above !== undefined) out += `\x1b[2K${above}\n`;
    for (const id of order) out += `\x1b[2K${(lines.get(id) ?? '').slice(0, width())}\n`;
    drawn = order.length;
    stream.write(redact(out));
  };
  return {
    notice: (line) => redraw(line),
    target: (target: Target, status, done) => {
      if (!lines.has(target.id)) order.push(target.id);
      lines.set(
        target.id,
        `${done ? '✔' : '…'} ${target.name} (${target.path}:${target.startLine}) ${status}`,
      );
      redraw();
    },
  };
}

export function progressFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): ProgressListener {
  return stream.isTTY && !env.CI ? liveProgress(stream) : plainProgress((line) => stream.write(line));
}

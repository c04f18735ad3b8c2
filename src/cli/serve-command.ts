import os from 'node:os';
import { AfterburnerError } from '../errors.js';
import { createSandbox } from '../sandbox/index.js';
import { servePoolSandbox } from '../serve/resident-runner.js';
import { startServer } from '../serve/server.js';
import { type ProgramSandboxFlags, programImages } from './program-sandbox.js';
import type { CommandIO } from './review-command.js';

export interface ServeFlags extends ProgramSandboxFlags {
  port: string;
  host: string;
  workers?: string;
  queue: string;
}

/**
 * `afterburner serve`: the execution service until SIGINT or SIGTERM, then a graceful stop. Resolves once
 * every sandbox is disposed.
 */
export async function serveCommand(flags: ServeFlags, io: CommandIO): Promise<void> {
  const port = integer('--port', flags.port, 0, 65_535);
  const workers = integer('--workers', flags.workers ?? String(os.availableParallelism()), 1, 256);
  const queueLimit = integer('--queue', flags.queue, 0, 1_000_000);
  const { images, required } = programImages(flags, io.env);
  const sandbox = await createSandbox({
    mode: flags.sandbox,
    image: images.javascript,
    images,
    required,
    runId: `serve-${process.pid}-${Date.now()}`,
    ...servePoolSandbox,
    onNotice: (line) => io.progress.notice(line),
  });
  if (!sandbox.isolated) {
    io.progress.notice(
      'The process sandbox is NOT isolated: submitted programs run with your privileges, with network and files. Serve only trusted clients.',
    );
  }
  const server = await startServer({ sandbox, images, workers, queueLimit, host: flags.host, port });
  io.stdout(`afterburner serve: listening on ${server.url} (${sandbox.description}; ${workers} workers)\n`);
  await new Promise<void>((resolve) => {
    // The listeners stay until the end: the sandbox's own exit hook re-raises the signal (and so ends the process)
    // once nobody else listens for it.
    const stop = (signal: NodeJS.Signals) => {
      io.progress.notice(`${signal}: finishing running tasks, then disposing the sandboxes`);
      void server.close().then(() => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AfterburnerError('usage', `${flag} must be an integer from ${min} to ${max}, not ${text}`);
  }
  return value;
}

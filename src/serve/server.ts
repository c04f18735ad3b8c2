/**
 * The HTTP side of `afterburner serve`: Monolith's API (POST /execute, GET /results/{id}) plus GET /status and
 * POST /reward. Routes only validate, hand over and answer; the pool runs the programs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import type { ExecutableLanguage } from '../execute/execute-code.js';
import type { Sandbox } from '../sandbox/types.js';
import { ExecutionPool } from './pool.js';
import { describeIssues, executeRequestSchema } from './request-schema.js';
import { rewardOf, rewardRequestSchema } from './reward.js';
import { TaskStore } from './task-store.js';

export interface ServeOptions {
  sandbox: Sandbox;
  images: Record<ExecutableLanguage, string>;
  workers: number;
  queueLimit: number;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Finished results kept for GET /results (default 10 000, the oldest dropped first). */
  keepResults?: number;
  /** Request bodies larger than this are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  /** Stops accepting, fails queued tasks, lets running ones finish, disposes every sandbox workspace. */
  close(): Promise<void>;
}

/** A full queue asks clients to come back after this many seconds. */
const retryAfterSeconds = 1;
const maxWaitSeconds = 30;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Opens the warm workers, then listens; resolves once both are ready. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const store = new TaskStore(options.keepResults);
  const pool = await ExecutionPool.start({
    sandbox: options.sandbox,
    images: options.images,
    workers: options.workers,
    queueLimit: options.queueLimit,
    store,
  });
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  let draining = false;

  const routes = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = `${request.method} ${url.pathname}`;
    if (route === 'POST /execute') {
      if (draining) throw new HttpError(503, 'the server is shutting down');
      const body = parse(executeRequestSchema, await readJson(request, maxBodyBytes));
      const id = store.create();
      if (!pool.submit({ id, request: body })) {
        store.forget(id);
        response.setHeader('Retry-After', String(retryAfterSeconds));
        throw new HttpError(429, `the queue is full (${options.queueLimit} tasks waiting); retry later`);
      }
      return send(response, 200, { task_id: id });
    }
    if (request.method === 'GET' && url.pathname.startsWith('/results/')) {
      const id = decodeURIComponent(url.pathname.slice('/results/'.length));
      // `?wait=S` (an extension, up to 30 s): answer as soon as the task finishes instead of polling.
      const wait = Math.min(maxWaitSeconds, Math.max(0, Number(url.searchParams.get('wait')) || 0));
      await store.waitFor(id, wait * 1000);
      const task = store.get(id);
      if (!task) throw new HttpError(404, 'no such task (unknown id, or its result was dropped)');
      return send(response, 200, task);
    }
    if (route === 'GET /status') {
      const lanes = pool.status();
      const sum = (key: 'workers' | 'busy' | 'replacing' | 'queued') =>
        lanes.reduce((total, lane) => total + lane[key], 0);
      return send(response, 200, {
        workers: sum('workers'),
        busy: sum('busy'),
        replacing: sum('replacing'),
        replaced: pool.replaced,
        queued: sum('queued'),
        queue_limit: options.queueLimit,
        completed: store.completed,
        failed: store.failed,
        draining,
        sandbox: {
          kind: options.sandbox.kind,
          isolated: options.sandbox.isolated,
          description: options.sandbox.description,
        },
        images: options.sandbox.kind === 'docker' ? options.images : {},
        lanes,
      });
    }
    if (route === 'POST /reward') {
      const body = parse(rewardRequestSchema, await readJson(request, maxBodyBytes));
      return send(response, 200, rewardOf(body));
    }
    const known =
      ['/execute', '/status', '/reward'].includes(url.pathname) || url.pathname.startsWith('/results/');
    throw new HttpError(known ? 405 : 404, known ? `${request.method} is not allowed here` : 'no such route');
  };

  const server = http.createServer((request, response) => {
    routes(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      // An oversized body is not read to its end: close the connection rather than drain it.
      if (status === 413) response.setHeader('Connection', 'close');
      send(response, status, { error: message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    close: () => {
      closing ??= (async () => {
        draining = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await pool.close();
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readJson(request: http.IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) throw new HttpError(413, `the body is larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `the body is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `the body is not JSON: ${(error as Error).message}`);
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
  return parsed.data;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  n?: number;
  [key: string]: unknown;
}

/**
 * A scripted reply: the assistant's text; an HTTP error `{ status, body, headers? }`; or `{ hang: true }` to never
 * answer (the client must time out).
 */
export type ScriptedReply =
  | string
  | { status: number; body: unknown; headers?: Record<string, string> }
  | { hang: true };

export interface ReceivedRequest<T> {
  body: T;
  headers: IncomingMessage['headers'];
  /** Milliseconds since the server started. */
  at: number;
}

export interface FakeServer<T> {
  baseUrl: string;
  /** Parsed bodies of valid requests, in arrival order (including ones answered with an error). */
  requests: T[];
  received: ReceivedRequest<T>[];
  /** Most requests that were in flight at the same time. */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Shared plumbing of the loopback model servers: routing, JSON parsing, bookkeeping, hanging replies. */
export async function startJsonServer<T>(options: {
  route: string;
  validate: (body: T) => string | undefined;
  handle: (body: T, nth: number, res: ServerResponse) => void;
  /** Key for `nth`: requests with the same key are numbered 0, 1, 2… */
  keyOf: (body: T) => string;
  baseSuffix: string;
}): Promise<FakeServer<T>> {
  const started = Date.now();
  const requests: T[] = [];
  const received: ReceivedRequest<T>[] = [];
  const counts = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== options.route) {
      return sendJson(res, 404, {
        error: { message: `no route ${req.method} ${req.url}`, type: 'not_found' },
      });
    }
    let body: T;
    try {
      body = JSON.parse(await readBody(req)) as T;
    } catch {
      return sendJson(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    const invalid = options.validate(body);
    if (invalid) return sendJson(res, 400, { error: { message: invalid, type: 'invalid_request_error' } });
    requests.push(body);
    received.push({ body, headers: req.headers, at: Date.now() - started });
    const key = options.keyOf(body);
    const nth = counts.get(key) ?? 0;
    counts.set(key, nth + 1);
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on('close', () => {
      inFlight--;
      hanging.delete(res);
    });
    hanging.add(res);
    // Let concurrent requests overlap, so the in-flight count means something.
    setTimeout(() => options.handle(body, nth, res), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${options.baseSuffix}`,
    requests,
    received,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
      }),
  };
}

export type FakeOpenAI = FakeServer<ChatRequest>;

export interface FakeOpenAIOptions {
  /** Answer `n` > 1 with n choices (OpenAI proper); otherwise ignore `n` like many compatible servers. */
  supportsN?: boolean;
}

/**
 * A loopback server speaking OpenAI's chat-completions wire format. `answer` picks the reply from the request and
 * `nth`, the number of earlier requests with the same messages (so a group of k gets k different answers).
 */
export async function startFakeOpenAI(
  answer: (request: ChatRequest, nth: number) => ScriptedReply,
  options: FakeOpenAIOptions = {},
): Promise<FakeOpenAI> {
  let completions = 0;
  return startJsonServer<ChatRequest>({
    route: '/v1/chat/completions',
    baseSuffix: '/v1',
    keyOf: (request) => JSON.stringify(request.messages),
    validate: (request) =>
      typeof request.model !== 'string' || !Array.isArray(request.messages) || request.messages.length === 0
        ? 'model and messages are required'
        : undefined,
    handle: (request, nth, res) => {
      const n = options.supportsN && typeof request.n === 'number' ? request.n : 1;
      const replies = Array.from({ length: n }, (_, i) => answer(request, nth + i));
      const first = replies[0] as ScriptedReply;
      if (typeof first === 'object' && 'hang' in first) return;
      if (typeof first !== 'string') return sendJson(res, first.status, first.body, first.headers);
      const texts = replies.map((r) => (typeof r === 'string' ? r : ''));
      const promptTokens = Math.ceil(JSON.stringify(request.messages).length / 4);
      const completionTokens = texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
      completions++;
      sendJson(res, 200, {
        id: `chatcmpl-${completions}`,
        object: 'chat.completion',
        created: 1_700_000_000,
        model: request.model,
        choices: texts.map((content, index) => ({
          index,
          message: { role: 'assistant', content, refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        })),
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      });
    },
  });
}

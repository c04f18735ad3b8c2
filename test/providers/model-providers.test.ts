import { afterEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/detect/types.js';
import { AnthropicProvider } from '../../src/providers/anthropic-provider.js';
import { createProvider, githubModelsBaseUrl } from '../../src/providers/create-provider.js';
import { OpenAIProvider } from '../../src/providers/openai-provider.js';
import { retryAfterMs } from '../../src/providers/retry-after-cap.js';
import type { ChatMessage, ProposalRequest } from '../../src/providers/types.js';
import { BudgetExhaustedError, MeteredProvider, UsageMeter } from '../../src/providers/usage-meter.js';
import { type FakeAnthropic, startFakeAnthropic } from '../helpers/fake-anthropic.js';
import { type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';

const target: Target = {
  id: 'src/a.js:add',
  path: 'src/a.js',
  language: 'javascript',
  name: 'add',
  kind: 'function',
  startLine: 1,
  endLine: 1,
  source: 'export function add(a, b) { return a + b; }',
  changedLines: [1],
  exportName: 'add',
  async: false,
  generator: false,
  context: '',
};
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are a performance engineer.' },
  { role: 'user', content: 'Make `add` faster.' },
];
const request = (count: number): ProposalRequest => ({
  target,
  currentSource: target.source,
  messages,
  count,
  iteration: 1,
});

let servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function openai(...args: Parameters<typeof startFakeOpenAI>): Promise<FakeOpenAI> {
  const server = await startFakeOpenAI(...args);
  servers.push(server);
  return server;
}
async function anthropic(...args: Parameters<typeof startFakeAnthropic>): Promise<FakeAnthropic> {
  const server = await startFakeAnthropic(...args);
  servers.push(server);
  return server;
}

describe('OpenAIProvider against a chat-completions server', () => {
  it('sends the prompt and returns one answer per candidate with the token usage', async () => {
    const server = await openai((_, nth) => `answer ${nth}`);
    const provider = new OpenAIProvider({ model: 'm', baseURL: server.baseUrl, sampling: 'separate' });
    const reply = await provider.propose(request(3));
    expect(reply.answers.sort()).toEqual(['answer 0', 'answer 1', 'answer 2']);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[0]?.messages).toEqual(messages);
    expect(server.requests[0]?.n).toBeUndefined();
    expect(reply.usage.inputTokens).toBeGreaterThan(0);
    expect(reply.usage.outputTokens).toBe(3 * Math.ceil('answer 0'.length / 4));
  });

  it('asks for the whole group with `n` in one request when the server supports it', async () => {
    const server = await openai((_, nth) => `answer ${nth}`, { supportsN: true });
    const provider = new OpenAIProvider({ model: 'm', baseURL: server.baseUrl, sampling: 'n' });
    const reply = await provider.propose(request(4));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.n).toBe(4);
    expect(reply.answers).toEqual(['answer 0', 'answer 1', 'answer 2', 'answer 3']);
  });

  it('fills the group with separate requests when a server ignores `n`', async () => {
    const server = await openai((_, nth) => `answer ${nth}`);
    const provider = new OpenAIProvider({ model: 'm', baseURL: server.baseUrl, sampling: 'n' });
    const reply = await provider.propose(request(3));
    expect(reply.answers).toHaveLength(3);
    expect(server.requests.map((r) => r.n ?? 1)).toEqual([3, 1, 1]);
  });

  it('retries a 429 after the Retry-After delay', async () => {
    const server = await openai((_, nth) =>
      nth === 0
        ? {
            status: 429,
            body: { error: { message: 'Rate limit reached', type: 'requests' } },
            headers: { 'retry-after': '1' },
          }
        : 'fine',
    );
    const provider = new OpenAIProvider({ model: 'm', baseURL: server.baseUrl, maxRetries: 2 });
    const reply = await provider.propose(request(1));
    expect(reply.answers).toEqual(['fine']);
    expect(server.received).toHaveLength(2);
    const [first, second] = server.received;
    // Retry-After: 1 means one second; the SDK's own backoff would start at 0.5 s.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once when Retry-After asks for longer than a minute', async () => {
    const server = await openai(() => ({
      status: 429,
      body: { error: { message: 'You exceeded your quota', type: 'requests' } },
      headers: { 'retry-after': '3600' },
    }));
    const provider = new OpenAIProvider({ model: 'm', baseURL: server.baseUrl, maxRetries: 3 });
    await expect(provider.propose(request(1))).rejects.toThrow(/429/);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 5xx and gives up with the status once retries are spent', async () => {
    const server = await openai(() => ({
      status: 503,
      body: { error: { message: 'overloaded', type: 'server' } },
    }));
    const provider = new OpenAIProvider({ model: 'm', baseURL: server.baseUrl, maxRetries: 1 });
    await expect(provider.propose(request(1))).rejects.toThrow(/503/);
    expect(server.requests).toHaveLength(2);
  });

  it('times out a server that never answers', async () => {
    const server = await openai(() => ({ hang: true }));
    const provider = new OpenAIProvider({
      model: 'm',
      baseURL: server.baseUrl,
      timeoutMs: 300,
      maxRetries: 0,
    });
    await expect(provider.propose(request(1))).rejects.toThrow(/timed out/i);
    expect(server.requests).toHaveLength(1);
  });

  it('waits 120 s for one request unless told otherwise, whichever provider', () => {
    const providers = [
      createProvider({ provider: 'openai', model: 'm', apiKey: 'k' }),
      createProvider({ provider: 'github-models', apiKey: 'k' }),
      createProvider({ provider: 'anthropic', model: 'c', apiKey: 'k' }),
    ];
    for (const provider of providers) {
      expect((provider as OpenAIProvider | AnthropicProvider).requestTimeoutMs).toBe(120_000);
    }
    const configured = createProvider({ provider: 'openai', model: 'm', apiKey: 'k', timeoutMs: 5000 });
    expect((configured as OpenAIProvider).requestTimeoutMs).toBe(5000);
  });

  it('gives up on a hung request, retries included, once the caller aborts it', async () => {
    const server = await openai(() => ({ hang: true }));
    const provider = new OpenAIProvider({ model: 'm', baseURL: server.baseUrl, maxRetries: 3 });
    const controller = new AbortController();
    const reply = provider.propose({ ...request(1), signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(reply).rejects.toThrow(/abort/i);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps at most `concurrency` requests in flight across calls', async () => {
    const server = await openai(() => 'ok');
    const provider = new OpenAIProvider({
      model: 'm',
      baseURL: server.baseUrl,
      concurrency: 2,
      sampling: 'separate',
    });
    await Promise.all([provider.propose(request(4)), provider.propose(request(4))]);
    expect(server.requests).toHaveLength(8);
    expect(server.maxInFlight).toBe(2);
  });
});

describe('github-models', () => {
  it("uses GitHub Models' inference endpoint and requires a token", () => {
    expect(githubModelsBaseUrl).toBe('https://models.github.ai/inference');
    expect(() => createProvider({ provider: 'github-models' })).toThrow(/GITHUB_TOKEN/);
    const provider = createProvider({ provider: 'github-models', apiKey: 'token' });
    expect(provider.name).toBe('github-models');
    expect(provider.model).toBe('openai/gpt-4.1-mini');
  });

  it('speaks chat-completions with the token as a bearer token', async () => {
    const server = await openai(() => 'from github');
    const provider = createProvider({
      provider: 'github-models',
      apiKey: 'ghs_token',
      baseUrl: server.baseUrl,
    });
    expect((await provider.propose(request(2))).answers).toEqual(['from github', 'from github']);
    expect(server.received[0]?.headers.authorization).toBe('Bearer ghs_token');
    // GitHub Models does not take `n`: each candidate is its own request.
    expect(server.requests.map((r) => r.n)).toEqual([undefined, undefined]);
  });
});

describe('AnthropicProvider against a messages server', () => {
  it('sends the system prompt separately and returns the text answers with usage', async () => {
    const server = await anthropic((_, nth) => `claude ${nth}`);
    const provider = new AnthropicProvider({
      model: 'claude-test',
      apiKey: 'sk-ant',
      baseURL: server.baseUrl,
    });
    const reply = await provider.propose(request(2));
    expect(reply.answers.sort()).toEqual(['claude 0', 'claude 1']);
    expect(server.requests[0]).toMatchObject({
      model: 'claude-test',
      system: 'You are a performance engineer.',
      messages: [{ role: 'user', content: 'Make `add` faster.' }],
    });
    // This SDK version sends the key as a bearer token; older ones used x-api-key.
    const headers = server.received[0]?.headers;
    expect(headers?.['x-api-key'] ?? headers?.authorization).toMatch(/^(Bearer )?sk-ant$/);
    expect(server.received[0]?.headers['anthropic-version']).toBeTruthy();
    expect(reply.usage.outputTokens).toBe(2 * Math.ceil('claude 0'.length / 4));
  });

  it('retries 429 with Retry-After and times out a hung server', async () => {
    const limited = await anthropic((_, nth) =>
      nth === 0
        ? {
            status: 429,
            body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
            headers: { 'retry-after': '1' },
          }
        : 'done',
    );
    const provider = new AnthropicProvider({ model: 'c', baseURL: limited.baseUrl, maxRetries: 1 });
    expect((await provider.propose(request(1))).answers).toEqual(['done']);
    const [first, second] = limited.received;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);

    const quota = await anthropic(() => ({
      status: 429,
      body: { type: 'error', error: { type: 'rate_limit_error', message: 'quota' } },
      headers: { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() },
    }));
    const patient = new AnthropicProvider({ model: 'c', baseURL: quota.baseUrl, maxRetries: 3 });
    await expect(patient.propose(request(1))).rejects.toThrow(/429/);
    expect(quota.requests).toHaveLength(1);

    const hung = await anthropic(() => ({ hang: true }));
    const slow = new AnthropicProvider({ model: 'c', baseURL: hung.baseUrl, timeoutMs: 300, maxRetries: 0 });
    await expect(slow.propose(request(1))).rejects.toThrow(/timed out/i);
  });
});

describe('Retry-After', () => {
  it('reads milliseconds, seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-22T06:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sun, 22 Nov 2026 06:01:00 GMT' }), now)).toBe(60_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});

describe('MeteredProvider', () => {
  it('counts tokens and cost, and refuses requests once the budget is spent', async () => {
    const server = await openai(() => 'x'.repeat(400));
    const meter = new UsageMeter({ maxTokens: 120 }, { inputPerMillion: 1, outputPerMillion: 2 });
    const provider = new MeteredProvider(new OpenAIProvider({ model: 'm', baseURL: server.baseUrl }), meter);
    await provider.propose(request(1));
    expect(meter.usage.outputTokens).toBe(100);
    expect(meter.costUsd).toBeCloseTo((meter.usage.inputTokens * 1 + 100 * 2) / 1e6, 12);
    await expect(provider.propose(request(1))).rejects.toBeInstanceOf(BudgetExhaustedError);
    expect(meter.exhaustedReason).toMatch(/^budget exhausted: \d+ of 120 tokens used$/);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a request whose estimated size would go past the budget', async () => {
    const server = await openai(() => 'x'.repeat(400));
    const meter = new UsageMeter({ maxTokens: 200 });
    const provider = new MeteredProvider(new OpenAIProvider({ model: 'm', baseURL: server.baseUrl }), meter);
    // The prompt and the function are short: the first request is estimated well under the budget.
    expect(meter.overrunReason(meter.estimate(request(1)))).toBeUndefined();
    await provider.propose(request(1));
    // Now an answer is known to take 100 tokens: two more would not fit, though the budget is not spent yet.
    expect(meter.exhaustedReason).toBeUndefined();
    await expect(provider.propose(request(2))).rejects.toThrow(
      /^budget would run out: the next request needs about \d+ tokens, \d+ of 200 left$/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('stops on a cost budget', () => {
    const meter = new UsageMeter({ maxCostUsd: 0.01 }, { inputPerMillion: 1000, outputPerMillion: 0 });
    meter.record({ inputTokens: 5, outputTokens: 0 });
    expect(meter.exhaustedReason).toBeUndefined();
    meter.record({ inputTokens: 5, outputTokens: 0 });
    expect(meter.exhaustedReason).toBe('budget exhausted: $0.0100 of $0.01 spent');
  });
});

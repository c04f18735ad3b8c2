import OpenAI from 'openai';
import pLimit, { type LimitFunction } from 'p-limit';
import { defaults } from '../config/defaults.js';
import { fetchWithRetryAfterCap } from './retry-after-cap.js';
import type { ChatMessage, ModelProvider, ModelRequest, ProposalReply } from './types.js';

/** `n`: one request asks for k choices; `separate`: k requests; `auto`: `n` on api.openai.com only. */
export type SamplingMode = 'auto' | 'n' | 'separate';

export interface OpenAIProviderOptions {
  model: string;
  baseURL?: string;
  apiKey?: string;
  /** Per request, including the time to read the answer. */
  timeoutMs?: number;
  /** Retries on 408/409/429/5xx and connection errors, with exponential backoff honouring Retry-After up to 60 s. */
  maxRetries?: number;
  temperature?: number;
  /** Requests in flight at once, across all targets using this provider. */
  concurrency?: number;
  sampling?: SamplingMode;
  /** Shown in reports: `openai`, `github-models`… */
  name?: string;
}

export const defaultTimeoutMs = defaults.requestTimeoutSeconds * 1000;
export const defaultMaxRetries = 3;
export const defaultConcurrency = 4;

/** Any endpoint that speaks OpenAI's chat-completions wire format: OpenAI, Azure, GitHub Models, vLLM, Ollama… */
export class OpenAIProvider implements ModelProvider {
  readonly name: string;
  readonly model: string;
  readonly requestTimeoutMs: number;
  private readonly client: OpenAI;
  private readonly temperature: number;
  private readonly limit: LimitFunction;
  private readonly useN: boolean;

  constructor(options: OpenAIProviderOptions) {
    this.name = options.name ?? 'openai';
    this.model = options.model;
    this.temperature = options.temperature ?? 0.7;
    this.requestTimeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.limit = pLimit(options.concurrency ?? defaultConcurrency);
    const sampling = options.sampling ?? 'auto';
    // Many compatible servers ignore `n` or reject it; OpenAI's own API supports it.
    this.useN =
      sampling === 'n' ||
      (sampling === 'auto' && (!options.baseURL || new URL(options.baseURL).hostname === 'api.openai.com'));
    this.client = new OpenAI({
      // Local servers (vLLM, Ollama) accept any key, but the client refuses to start without one.
      apiKey: options.apiKey ?? 'unused',
      baseURL: options.baseURL,
      timeout: this.requestTimeoutMs,
      maxRetries: options.maxRetries ?? defaultMaxRetries,
      fetch: fetchWithRetryAfterCap(),
    });
  }

  private ask(messages: ChatMessage[], n: number, signal?: AbortSignal) {
    return this.limit(() => {
      signal?.throwIfAborted();
      return this.client.chat.completions.create(
        {
          model: this.model,
          messages,
          temperature: this.temperature,
          ...(n > 1 ? { n } : {}),
        },
        { signal },
      );
    });
  }

  async propose(request: ModelRequest): Promise<ProposalReply> {
    const reply: ProposalReply = { answers: [], usage: { inputTokens: 0, outputTokens: 0 } };
    const take = (completion: OpenAI.Chat.Completions.ChatCompletion) => {
      reply.usage.inputTokens += completion.usage?.prompt_tokens ?? 0;
      reply.usage.outputTokens += completion.usage?.completion_tokens ?? 0;
      for (const choice of completion.choices) reply.answers.push(choice.message?.content ?? '');
    };
    if (this.useN && request.count > 1) take(await this.ask(request.messages, request.count, request.signal));
    // Servers that ignore `n` answer once; the rest of the group comes from separate requests.
    const missing = Math.max(0, request.count - reply.answers.length);
    const completions = await Promise.all(
      Array.from({ length: missing }, () => this.ask(request.messages, 1, request.signal)),
    );
    for (const completion of completions) take(completion);
    reply.answers = reply.answers.slice(0, request.count);
    return reply;
  }
}

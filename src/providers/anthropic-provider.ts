import Anthropic from '@anthropic-ai/sdk';
import pLimit, { type LimitFunction } from 'p-limit';
import { defaultConcurrency, defaultMaxRetries, defaultTimeoutMs } from './openai-provider.js';
import { fetchWithRetryAfterCap } from './retry-after-cap.js';
import type { ModelProvider, ModelRequest, ProposalReply } from './types.js';

export interface AnthropicProviderOptions {
  model: string;
  apiKey?: string;
  baseURL?: string;
  timeoutMs?: number;
  maxRetries?: number;
  concurrency?: number;
  /** The messages API requires an output limit. */
  maxOutputTokens?: number;
}

/**
 * Claude models through Anthropic's messages API; it has no `n`, so each candidate is one request. (This SDK
 * version has no sampling temperature parameter; the default sampling gives the group its variety.)
 */
export class AnthropicProvider implements ModelProvider {
  readonly name = 'anthropic';
  readonly model: string;
  readonly requestTimeoutMs: number;
  private readonly client: Anthropic;
  private readonly limit: LimitFunction;
  private readonly maxOutputTokens: number;

  constructor(options: AnthropicProviderOptions) {
    this.model = options.model;
    this.maxOutputTokens = options.maxOutputTokens ?? 4096;
    this.requestTimeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.limit = pLimit(options.concurrency ?? defaultConcurrency);
    this.client = new Anthropic({
      apiKey: options.apiKey ?? 'unused',
      baseURL: options.baseURL,
      timeout: this.requestTimeoutMs,
      maxRetries: options.maxRetries ?? defaultMaxRetries,
      fetch: fetchWithRetryAfterCap(),
    });
  }

  async propose(request: ModelRequest): Promise<ProposalReply> {
    const system = request.messages
      .filter((m) => m.role === 'system')
      .map((m) => m.content)
      .join('\n\n');
    const messages = request.messages
      .filter((m) => m.role !== 'system')
      .map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content }));
    const replies = await Promise.all(
      Array.from({ length: request.count }, () =>
        this.limit(() => {
          request.signal?.throwIfAborted();
          return this.client.messages.create(
            {
              model: this.model,
              max_tokens: this.maxOutputTokens,
              ...(system ? { system } : {}),
              messages,
            },
            { signal: request.signal },
          );
        }),
      ),
    );
    const reply: ProposalReply = { answers: [], usage: { inputTokens: 0, outputTokens: 0 } };
    for (const message of replies) {
      reply.usage.inputTokens += message.usage.input_tokens;
      reply.usage.outputTokens += message.usage.output_tokens;
      reply.answers.push(
        message.content
          .filter((block) => block.type === 'text')
          .map((block) => (block as { text: string }).text)
          .join(''),
      );
    }
    return reply;
  }
}

import OpenAI from 'openai';
import type { ProposalReply, ProposalRequest, Provider } from './types.js';

export interface OpenAIProviderOptions {
  model: string;
  baseURL?: string;
  apiKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
  temperature?: number;
}

/** Any endpoint that speaks OpenAI's chat-completions wire format: OpenAI, GitHub Models, vLLM, Ollama… */
export class OpenAIProvider implements Provider {
  readonly name = 'openai';
  readonly model: string;
  private readonly client: OpenAI;
  private readonly temperature: number;

  constructor(options: OpenAIProviderOptions) {
    this.model = options.model;
    this.temperature = options.temperature ?? 0.7;
    this.client = new OpenAI({
      // Local servers (vLLM, Ollama) accept any key, but the client refuses to start without one.
      apiKey: options.apiKey ?? 'unused',
      baseURL: options.baseURL,
      timeout: options.timeoutMs ?? 120_000,
      maxRetries: options.maxRetries ?? 2,
    });
  }

  async propose(request: ProposalRequest): Promise<ProposalReply> {
    // One request per candidate: many OpenAI-compatible servers ignore `n`, and each answer is independent.
    const replies = await Promise.all(
      Array.from({ length: request.count }, () =>
        this.client.chat.completions.create({
          model: this.model,
          messages: request.messages,
          temperature: this.temperature,
        }),
      ),
    );
    const answers: string[] = [];
    let inputTokens = 0;
    let outputTokens = 0;
    for (const reply of replies) {
      inputTokens += reply.usage?.prompt_tokens ?? 0;
      outputTokens += reply.usage?.completion_tokens ?? 0;
      for (const choice of reply.choices) answers.push(choice.message?.content ?? '');
    }
    return { answers, usage: { inputTokens, outputTokens } };
  }
}

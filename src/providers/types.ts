import type { Target } from '../detect/types.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ProposalRequest {
  target: Target;
  /** The code to improve this iteration: the original or the best verified candidate so far. */
  currentSource: string;
  /** The full prompt, for providers that talk to a model. */
  messages: ChatMessage[];
  /** How many candidates to ask for (group size k). */
  count: number;
  iteration: number;
  /** Aborted when the function's model time is spent; a provider stops its requests then. */
  signal?: AbortSignal;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ProposalReply {
  /**
   * Raw answers, one per candidate. Each should hold one fenced code block (or `<solution>…</solution>`) with
   * the whole replacement for the target's lines; the optimize stage extracts and checks it.
   */
  answers: string[];
  /** What produced each answer, when finer than the provider (`rule <id>` for the offline catalog). */
  sources?: string[];
  usage: TokenUsage;
}

/** Source of candidate rewrites: a language model or the offline rule catalog. */
export interface Provider {
  readonly name: string;
  readonly model: string;
  propose(request: ProposalRequest): Promise<ProposalReply>;
}

/** What a language model needs of a request: the prompt alone, no repository target (`afterburner eval`). */
export type ModelRequest = Omit<ProposalRequest, 'target' | 'currentSource'>;

/** A provider backed by a language model: it answers any prompt, not only a repository's target. */
export interface ModelProvider extends Provider {
  propose(request: ModelRequest): Promise<ProposalReply>;
}

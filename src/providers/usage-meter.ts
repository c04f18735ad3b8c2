import type { ProposalReply, ProposalRequest, Provider, TokenUsage } from './types.js';

/** US dollars per million tokens, as providers publish their prices. */
export interface TokenPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

export interface Budget {
  /** Stop asking the model once input + output tokens reach this. */
  maxTokens?: number;
  /** Stop asking the model once the cost reaches this many US dollars (needs a price). */
  maxCostUsd?: number;
}

/** Thrown instead of sending a request once the run's budget is spent; the run ends gracefully. */
export class BudgetExhaustedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetExhaustedError';
  }
}

/** Tokens and cost of one run, checked against its budget before every request. */
export class UsageMeter {
  readonly usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  requests = 0;

  constructor(
    private readonly budget: Budget = {},
    readonly price?: TokenPrice,
  ) {}

  get costUsd(): number | undefined {
    if (!this.price) return undefined;
    return (
      (this.usage.inputTokens * this.price.inputPerMillion +
        this.usage.outputTokens * this.price.outputPerMillion) /
      1e6
    );
  }

  record(usage: TokenUsage): void {
    this.usage.inputTokens += usage.inputTokens;
    this.usage.outputTokens += usage.outputTokens;
  }

  /** Why no further request may be sent, or undefined while the budget lasts. */
  get exhaustedReason(): string | undefined {
    const { maxTokens, maxCostUsd } = this.budget;
    const tokens = this.usage.inputTokens + this.usage.outputTokens;
    if (maxTokens !== undefined && tokens >= maxTokens) {
      return `budget exhausted: ${tokens} of ${maxTokens} tokens used`;
    }
    const cost = this.costUsd;
    if (maxCostUsd !== undefined && cost !== undefined && cost >= maxCostUsd) {
      return `budget exhausted: $${cost.toFixed(4)} of $${maxCostUsd.toFixed(2)} spent`;
    }
    return undefined;
  }
}

/**
 * Counts a provider's tokens on the run's meter and refuses requests once the budget is spent. Requests already
 * in flight finish, so a run can overshoot its budget by at most one group of candidates.
 */
export class MeteredProvider implements Provider {
  readonly name: string;
  readonly model: string;

  constructor(
    private readonly inner: Provider,
    readonly meter: UsageMeter,
  ) {
    this.name = inner.name;
    this.model = inner.model;
  }

  async propose(request: ProposalRequest): Promise<ProposalReply> {
    const exhausted = this.meter.exhaustedReason;
    if (exhausted) throw new BudgetExhaustedError(exhausted);
    this.meter.requests++;
    const reply = await this.inner.propose(request);
    this.meter.record(reply.usage);
    return reply;
  }
}

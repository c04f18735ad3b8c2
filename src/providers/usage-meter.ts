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

/** About four characters a token: the usual rule of thumb for English and code, good enough for a budget. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Tokens and cost of one run, checked against its budget before every request. */
export class UsageMeter {
  readonly usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  requests = 0;
  /** Answers received so far: their average length predicts the next ones. */
  answers = 0;

  constructor(
    private readonly budget: Budget = {},
    readonly price?: TokenPrice,
  ) {}

  get costUsd(): number | undefined {
    return this.cost(this.usage);
  }

  record(usage: TokenUsage, answers = 0): void {
    this.usage.inputTokens += usage.inputTokens;
    this.usage.outputTokens += usage.outputTokens;
    this.answers += answers;
  }

  private cost(usage: TokenUsage): number | undefined {
    if (!this.price) return undefined;
    return (
      (usage.inputTokens * this.price.inputPerMillion + usage.outputTokens * this.price.outputPerMillion) /
      1e6
    );
  }

  /**
   * What a request will probably use: its prompt once per answer (providers without `n` send it each time), and
   * per answer the longer of the answers so far and the code being rewritten (an answer restates the function).
   */
  estimate(request: ProposalRequest): TokenUsage {
    const prompt = request.messages.reduce((sum, m) => sum + approxTokens(m.content), 0);
    const seen = this.answers > 0 ? Math.ceil(this.usage.outputTokens / this.answers) : 0;
    const perAnswer = Math.max(seen, approxTokens(request.currentSource));
    return { inputTokens: prompt * request.count, outputTokens: perAnswer * request.count };
  }

  /** Why a request of this estimated size may not be sent (it would take the run past its budget), if so. */
  overrunReason(next: TokenUsage): string | undefined {
    const { maxTokens, maxCostUsd } = this.budget;
    const spent = this.usage.inputTokens + this.usage.outputTokens;
    const needed = next.inputTokens + next.outputTokens;
    if (maxTokens !== undefined && spent + needed > maxTokens) {
      return `budget would run out: the next request needs about ${needed} tokens, ${maxTokens - spent} of ${maxTokens} left`;
    }
    const spentCost = this.costUsd;
    const neededCost = this.cost(next);
    if (maxCostUsd !== undefined && spentCost !== undefined && neededCost !== undefined) {
      if (spentCost + neededCost > maxCostUsd) {
        return (
          `budget would run out: the next request costs about $${neededCost.toFixed(4)}, ` +
          `$${(maxCostUsd - spentCost).toFixed(4)} of $${maxCostUsd.toFixed(2)} left`
        );
      }
    }
    return undefined;
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
 * Counts a provider's tokens on the run's meter and refuses a request once the budget is spent or when its
 * estimated size would go past it. The estimate can be short (a long answer), so a run can still go past its
 * budget by what one request used beyond its estimate.
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
    const overrun = this.meter.overrunReason(this.meter.estimate(request));
    if (overrun) throw new BudgetExhaustedError(overrun);
    this.meter.requests++;
    const reply = await this.inner.propose(request);
    this.meter.record(reply.usage, reply.answers.length);
    return reply;
  }
}

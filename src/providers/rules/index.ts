import type { Parser } from 'web-tree-sitter';
import { createParser } from '../../detect/tree-sitter.js';
import type { ProposalReply, ProposalRequest, Provider } from '../types.js';
import { type Rewrite, rewriteWithRules } from './apply-rules.js';
import { reduceSpreadAccumulator } from './reduce-spread-accumulator.js';
import type { Rule, RuleInfo } from './rule.js';
import { setMembership } from './set-membership.js';

export { rewriteWithRules } from './apply-rules.js';
export type { Rule, RuleEdit, RuleInfo } from './rule.js';

/** The offline catalog, in the order rules are combined. */
export const rules: readonly Rule[] = [setMembership, reduceSpreadAccumulator];

/** What the README and report show about each rule (no behaviour). */
export const ruleCatalog: readonly RuleInfo[] = rules.map(
  ({ id, title, description, before, after, complexity }) => ({
    id,
    title,
    description,
    before,
    after,
    complexity,
  }),
);

export interface RulesProviderOptions {
  /** Defaults to the whole catalog. */
  rules?: readonly Rule[];
}

/**
 * Proposes rewrites from a fixed catalog of rules, with no model: the default when none is configured. Rules only
 * propose; the harness verifies and measures every candidate like any other.
 */
export class RulesProvider implements Provider {
  readonly name = 'rules';
  readonly model = 'offline-rules';
  private readonly rules: readonly Rule[];
  private parser?: Promise<Parser>;

  constructor(options: RulesProviderOptions = {}) {
    this.rules = options.rules ?? rules;
  }

  /** Answers in order: all applicable rules combined, then each applicable rule alone; duplicates dropped. */
  async propose(request: ProposalRequest): Promise<ProposalReply> {
    const reply: ProposalReply = { answers: [], usage: { inputTokens: 0, outputTokens: 0 } };
    if (request.count <= 0 || request.target.language !== 'javascript') return reply;
    this.parser ??= createParser('javascript');
    const parser = await this.parser;
    const variants = [this.rules, ...this.rules.map((rule) => [rule])];
    const seen = new Set<string>();
    for (const variant of variants) {
      if (reply.answers.length >= request.count) break;
      const rewrite = tryRewrite(parser, request.currentSource, variant);
      if (!rewrite || seen.has(rewrite.source)) continue;
      seen.add(rewrite.source);
      reply.answers.push(formatAnswer(rewrite));
    }
    return reply;
  }
}

/** A rule that trips over unusual code costs this target its offline candidates, not the whole run. */
function tryRewrite(parser: Parser, source: string, variant: readonly Rule[]): Rewrite | null {
  try {
    return rewriteWithRules(parser, source, variant);
  } catch {
    return null;
  }
}

function formatAnswer({ source, applied }: Rewrite): string {
  const names = applied
    .map((rule) => `\`${rule.id}\` (${rule.title}, ${rule.complexity.before} → ${rule.complexity.after})`)
    .join(' and ');
  const longestBackticks = Math.max(0, ...(source.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestBackticks + 1));
  return `Offline rule${applied.length > 1 ? 's' : ''} applied: ${names}.\n\n${fence}javascript\n${source}\n${fence}`;
}

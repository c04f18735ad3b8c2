import type { Parser } from 'web-tree-sitter';
import { createParser } from '../../detect/tree-sitter.js';
import type { Language, Target } from '../../detect/types.js';
import { fenceFor } from '../../fence.js';
import { infoFor, isSupported, pluginFor } from '../../languages/index.js';
import { javascriptRules } from '../../languages/javascript/rules/index.js';
import { pythonRules } from '../../languages/python/rules/index.js';
import type { ProposalReply, ProposalRequest, Provider } from '../types.js';
import { type Rewrite, rewriteWithRules } from './apply-rules.js';
import type { Rule, RuleFamily, RuleInfo } from './rule.js';
import { parseFunctionSnippet } from './snippet.js';

export { javascriptRules } from '../../languages/javascript/rules/index.js';
export { pythonRules } from '../../languages/python/rules/index.js';
export type { Rewrite } from './apply-rules.js';
export { rewriteWithRules } from './apply-rules.js';
export type { Rule, RuleEdit, RuleFamily, RuleInfo } from './rule.js';

/** The offline catalog, in the order rules are combined: JavaScript/TypeScript rules, then Python rules. */
export const rules: readonly Rule[] = [...javascriptRules, ...pythonRules];

/** The rule family that handles a target language: TypeScript and TSX share the JavaScript rules. */
export function ruleFamilyOf(language: Language): RuleFamily {
  return pluginFor(language).family;
}

/** The rules that run on targets in `language`. */
export function rulesFor(language: Language): readonly Rule[] {
  return pluginFor(language).rules;
}

function infoOf({ id, family, title, description, before, after, complexity, imports }: Rule): RuleInfo {
  return { id, family, title, description, before, after, complexity, ...(imports ? { imports } : {}) };
}

/** What the README and report show about each rule (no behaviour), grouped by the languages it runs on. */
export const ruleCatalog: Readonly<Record<RuleFamily, readonly RuleInfo[]>> = {
  javascript: javascriptRules.map(infoOf),
  python: pythonRules.map(infoOf),
};

export interface RulesProviderOptions {
  /** Defaults to the whole catalog; each target only sees the rules of its language's family. */
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
  private readonly parsers = new Map<Language, Promise<Parser>>();

  constructor(options: RulesProviderOptions = {}) {
    this.rules = options.rules ?? rules;
  }

  /** Answers in order: all applicable rules combined, then each applicable rule alone; duplicates dropped. */
  async propose(request: ProposalRequest): Promise<ProposalReply> {
    const reply: ProposalReply = { answers: [], sources: [], usage: { inputTokens: 0, outputTokens: 0 } };
    const { language } = request.target;
    if (request.count <= 0 || !isSupported(language)) return reply;
    const family = ruleFamilyOf(language);
    const applicable = this.rules.filter((rule) => rule.family === family);
    if (applicable.length === 0) return reply;
    const parser = this.parserFor(language);
    const variants = [applicable, ...applicable.map((rule) => [rule])];
    const seen = new Set<string>();
    for (const variant of variants) {
      if (reply.answers.length >= request.count) break;
      const rewrite = tryRewrite(await parser, request.currentSource, variant, family);
      if (!rewrite || seen.has(rewrite.source)) continue;
      seen.add(rewrite.source);
      reply.answers.push(formatAnswer(rewrite, language, request.target.context));
      reply.sources?.push(`rule ${rewrite.applied.map((rule) => rule.id).join(' + ')}`);
    }
    return reply;
  }

  /** `rule-id: why` for each rule whose shape the target has but whose safety conditions it fails. */
  async nearMisses(target: Target): Promise<string[]> {
    const { language } = target;
    if (!isSupported(language)) return [];
    const family = ruleFamilyOf(language);
    const snippet = parseFunctionSnippet(await this.parserFor(language), target.source, family);
    if (!snippet) return [];
    try {
      return this.rules.flatMap((rule) => {
        if (rule.family !== family || !rule.nearMiss) return [];
        try {
          const why = rule.nearMiss(snippet);
          return why ? [`${rule.id}: ${why}`] : [];
        } catch {
          return [];
        }
      });
    } finally {
      snippet.dispose();
    }
  }

  private parserFor(language: Language): Promise<Parser> {
    let parser = this.parsers.get(language);
    if (!parser) {
      parser = createParser(language);
      this.parsers.set(language, parser);
    }
    return parser;
  }
}

/** A rule that trips over unusual code costs this target its offline candidates, not the whole run. */
function tryRewrite(
  parser: Parser,
  source: string,
  variant: readonly Rule[],
  family: RuleFamily,
): Rewrite | null {
  try {
    return rewriteWithRules(parser, source, variant, family);
  } catch {
    return null;
  }
}

/**
 * One fenced block: the import lines the rewrite needs (those the file does not already hold), a blank line,
 * then the whole rewritten declaration; the optimize stage splits the imports off.
 */
function formatAnswer({ source, applied, imports }: Rewrite, language: Language, context: string): string {
  const names = applied
    .map((rule) => `\`${rule.id}\` (${rule.title}, ${rule.complexity.before} → ${rule.complexity.after})`)
    .join(' and ');
  const presentLines = new Set(context.split(/\r?\n/).map((line) => line.trim()));
  const missing = imports.filter((line) => !presentLines.has(line));
  const code = missing.length > 0 ? `${missing.join('\n')}\n\n${source}` : source;
  const fence = fenceFor(code);
  const plural = applied.length > 1 ? 's' : '';
  return `Offline rule${plural} applied: ${names}.\n\n${fence}${infoFor(language).fenceTag}\n${code}\n${fence}`;
}

import type { z } from 'zod';
import type { Language } from '../detect/types.js';
import { AfterburnerError } from '../errors.js';
import { pluginFor } from '../languages/index.js';
import type { Instruction } from '../optimize/metric.js';
import type { RulesMode } from '../optimize/session.js';
import type { ProviderName } from '../providers/create-provider.js';
import type { SamplingMode } from '../providers/openai-provider.js';
import type { Budget, TokenPrice } from '../providers/usage-meter.js';
import type { SandboxMode } from '../sandbox/types.js';
import { budgetOf } from './budget.js';
import { type Section, type Setting, settingFileKey, settingKey, settings } from './settings.js';

/** Everything a run is configured with, one section per stage; each stage takes its own. */
export interface RunConfig {
  detect: {
    include: string[];
    exclude: string[];
    languages?: Language[];
    maxFunctionLines?: number;
    testFiles?: string[];
    maxFunctions?: number;
  };
  sandbox: {
    mode: SandboxMode;
    image: string;
    pythonImage: string;
    images: Partial<Record<Language, string>>;
    setupCommand?: string;
    testCommand?: string;
  };
  verify: {
    /** 0.1 = the interval must clear 10%. */
    minSpeedup: number;
    rounds: number;
    scale: boolean;
    repoBenchSeconds: number;
    /** `instructions`: callgrind's counts decide on the tests' own calls (harness/instruction-counts.ts). */
    measure: 'time' | 'instructions';
  };
  optimize: {
    provider: ProviderName;
    model?: string;
    baseUrl?: string;
    apiKey?: string;
    instruction: Instruction;
    iterations: number;
    candidates: number;
    rules: RulesMode;
    budget: Budget;
    price?: TokenPrice;
    requestTimeoutMs?: number;
    modelTimeMs?: number;
    concurrency?: number;
    sampling?: SamplingMode;
    cache: boolean;
    cacheDir?: string;
  };
  publish: {
    githubToken?: string;
    botLogin?: string;
    mode: 'auto' | 'review' | 'sweep' | 'merge' | 'post';
    commentStyle: 'review' | 'summary' | 'none';
    commentWhenEmpty: boolean;
    shard: string;
    reports?: string;
  };
}

/** `.afterburner.yml` as read: values by setting name, and which file they came from. */
export interface FileLayer {
  source: string;
  values: ReadonlyMap<string, unknown>;
}

export interface ConfigSources {
  /** Which defaults apply and how errors name a value: `--rounds` or `input 'rounds'`. */
  surface: 'cli' | 'action';
  /** Flags or inputs given, by setting name (only those given). */
  explicit?: ReadonlyMap<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /**
   * The file every setting may come from: the base commit's in a review (the pull request's head cannot change
   * where or how code runs), the tree's own otherwise.
   */
  trustedFile?: FileLayer;
  /** The head's file in a review: only settings marked `fromHead` are taken from it. */
  headFile?: FileLayer;
}

export interface ResolvedConfig {
  config: RunConfig;
  /** Settings the head's file tried to change and could not, for the report. */
  ignored: string[];
}

/** How an error names where a value came from. */
function origin(
  setting: Setting,
  from: 'explicit' | 'env' | 'file',
  surface: 'cli' | 'action',
  file?: string,
) {
  if (from === 'env') return setting.sources.env as string;
  if (from === 'file') return `${file}: ${setting.section}.${settingFileKey(setting)}`;
  return surface === 'cli' ? `--${setting.name}` : `input '${setting.name}'`;
}

function parse(setting: Setting, raw: unknown, where: string): unknown {
  const result = (setting.value as z.ZodType).safeParse(raw);
  if (result.success) return result.data;
  throw new AfterburnerError('usage', `${where}: ${result.error.issues[0]?.message ?? 'invalid value'}`);
}

/**
 * Layers every setting: defaults < `.afterburner.yml` < environment < flags or inputs. A bad value fails with
 * the name of the flag, input, variable or file key it came from, and what is allowed.
 */
export function resolveRunConfig(sources: ConfigSources): ResolvedConfig {
  const { surface } = sources;
  const values = new Map<string, { value: unknown; where: string }>();
  const ignored: string[] = [];
  for (const setting of settings) {
    const { name } = setting;
    const explicit = sources.explicit?.get(name);
    const envName = setting.sources.env;
    const envValue = envName ? sources.env?.[envName] : undefined;
    const head = setting.fromHead ? sources.headFile?.values.get(name) : undefined;
    const trusted = sources.trustedFile?.values.get(name);
    const refused = setting.fromHead ? undefined : sources.headFile?.values.get(name);
    if (refused !== undefined && JSON.stringify(refused) !== JSON.stringify(trusted)) {
      ignored.push(
        `${sources.headFile?.source} in the head sets ${setting.section}.${settingFileKey(setting)}; a pull request cannot change it, so the base commit's ${trusted === undefined ? 'default' : 'value'} is used`,
      );
    }
    const file = head !== undefined ? sources.headFile : sources.trustedFile;
    const chosen: [unknown, string] | undefined =
      explicit !== undefined && explicit !== ''
        ? [explicit, origin(setting, 'explicit', surface)]
        : envValue !== undefined && envValue !== ''
          ? [envValue, origin(setting, 'env', surface)]
          : (head ?? trusted) !== undefined
            ? [head ?? trusted, origin(setting, 'file', surface, file?.source)]
            : undefined;
    if (chosen) values.set(name, { value: parse(setting, chosen[0], chosen[1]), where: chosen[1] });
  }
  return { config: assemble(values, surface), ignored };
}

function assemble(
  values: Map<string, { value: unknown; where: string }>,
  surface: 'cli' | 'action',
): RunConfig {
  const sections: Record<Section, Record<string, unknown>> = {
    detect: {},
    sandbox: {},
    verify: {},
    optimize: {},
    publish: {},
  };
  for (const setting of settings) {
    const given = values.get(setting.name)?.value;
    const fallback =
      surface === 'action' && setting.actionDefault !== undefined ? setting.actionDefault : setting.default;
    const value = given ?? fallback;
    if (value !== undefined) sections[setting.section][settingKey(setting)] = value;
  }
  const optimize = sections.optimize;
  const name = (setting: string) =>
    values.get(setting)?.where ?? (surface === 'cli' ? `--${setting}` : `input '${setting}'`);
  const { budget, price } = budgetOf(
    {
      maxTokens: optimize.maxTokens as number | undefined,
      maxCost: optimize.maxCost as number | undefined,
      price: optimize.price as string | undefined,
    },
    { maxCost: name('max-cost'), price: name('price') },
  );
  const { maxTokens: _tokens, maxCost: _cost, requestTimeout, modelTime, ...rest } = optimize;
  const seconds = (value: unknown) => (value === undefined ? undefined : (value as number) * 1000);
  return {
    detect: sections.detect as RunConfig['detect'],
    sandbox: sections.sandbox as RunConfig['sandbox'],
    verify: {
      ...sections.verify,
      minSpeedup: (sections.verify.minSpeedup as number) / 100,
    } as RunConfig['verify'],
    optimize: {
      ...rest,
      // With no model configured the offline rule catalog is the provider: no key, no network, no cost.
      provider:
        (rest.provider as ProviderName | undefined) ?? (rest.model || rest.baseUrl ? 'openai' : 'rules'),
      budget,
      price,
      ...(requestTimeout !== undefined ? { requestTimeoutMs: seconds(requestTimeout) } : {}),
      ...(modelTime !== undefined ? { modelTimeMs: seconds(modelTime) } : {}),
    } as RunConfig['optimize'],
    publish: sections.publish as RunConfig['publish'],
  };
}

/** The image a target of `language` runs in. */
export function imageFor(
  sandbox: Pick<RunConfig['sandbox'], 'image' | 'pythonImage' | 'images'>,
  language: Language,
): string {
  const plugin = pluginFor(language);
  // A dialect without its own entry takes its family's first language's (TypeScript and TSX: JavaScript's).
  const family = plugin.languages[0] as Language;
  return sandbox.images[language] ?? sandbox.images[family] ?? sandbox[plugin.image.setting];
}

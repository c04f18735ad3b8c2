import { AfterburnerError } from '../errors.js';
import { AnthropicProvider } from './anthropic-provider.js';
import { OpenAIProvider, type SamplingMode } from './openai-provider.js';
import { RulesProvider } from './rules/index.js';
import type { ModelProvider, Provider } from './types.js';

export const providerNames = ['openai', 'github-models', 'anthropic', 'rules'] as const;
export type ProviderName = (typeof providerNames)[number];

/** GitHub Models' OpenAI-compatible inference endpoint (POST /inference/chat/completions). */
export const githubModelsBaseUrl = 'https://models.github.ai/inference';
export const defaultGithubModel = 'openai/gpt-4.1-mini';

export interface ProviderSettings {
  provider: ProviderName;
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
  concurrency?: number;
  sampling?: SamplingMode;
}

/**
 * The API key comes from the environment only, never from a flag, so it stays out of shell history and logs.
 * GitHub Models takes the workflow's own GITHUB_TOKEN (with `permissions: models: read`).
 */
export function apiKeyFromEnv(env: NodeJS.ProcessEnv, provider: ProviderName = 'openai'): string | undefined {
  if (env.AFTERBURNER_API_KEY) return env.AFTERBURNER_API_KEY;
  if (provider === 'anthropic') return env.ANTHROPIC_API_KEY || undefined;
  if (provider === 'github-models') return env.GITHUB_TOKEN || env.GH_TOKEN || undefined;
  return env.OPENAI_API_KEY || undefined;
}

export function createProvider(settings: ProviderSettings): Provider {
  if (settings.provider === 'rules') return new RulesProvider();
  return createModelProvider(settings);
}

/** A language model's client; the rule catalog is not one (it rewrites repository functions only). */
export function createModelProvider(settings: ProviderSettings): ModelProvider {
  const { provider } = settings;
  if (provider === 'rules')
    throw new AfterburnerError(
      'usage',
      'the rule catalog is not a language model: give --provider and --model',
    );
  const common = {
    apiKey: settings.apiKey,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    concurrency: settings.concurrency,
  };
  if (provider === 'github-models') {
    if (!settings.apiKey) {
      throw new AfterburnerError(
        'usage',
        '--provider github-models needs GITHUB_TOKEN (grant `models: read` to the workflow) or AFTERBURNER_API_KEY',
      );
    }
    return new OpenAIProvider({
      ...common,
      name: 'github-models',
      model: settings.model ?? defaultGithubModel,
      baseURL: settings.baseUrl ?? githubModelsBaseUrl,
      sampling: settings.sampling ?? 'separate',
    });
  }
  if (!settings.model) throw new AfterburnerError('usage', `--provider ${provider} needs --model NAME`);
  if (!settings.apiKey && !settings.baseUrl) {
    const variable = provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
    throw new AfterburnerError(
      'usage',
      `--provider ${provider} needs AFTERBURNER_API_KEY or ${variable}, or --base-url for a local server`,
    );
  }
  if (provider === 'anthropic') {
    return new AnthropicProvider({ ...common, model: settings.model, baseURL: settings.baseUrl });
  }
  return new OpenAIProvider({
    ...common,
    model: settings.model,
    baseURL: settings.baseUrl,
    sampling: settings.sampling,
  });
}

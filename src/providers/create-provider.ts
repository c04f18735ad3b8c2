import { AfterburnerError } from '../errors.js';
import { OpenAIProvider } from './openai-provider.js';
import { RulesProvider } from './rules/index.js';
import type { Provider } from './types.js';

export type ProviderName = 'openai' | 'rules';

export interface ProviderSettings {
  provider: ProviderName;
  model?: string;
  baseUrl?: string;
  apiKey?: string;
}

/** The API key comes from the environment only, never from a flag, so it stays out of shell history and logs. */
export function apiKeyFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.AFTERBURNER_API_KEY || env.OPENAI_API_KEY || undefined;
}

export function createProvider(settings: ProviderSettings): Provider {
  if (settings.provider === 'rules') return new RulesProvider();
  if (!settings.model) throw new AfterburnerError('usage', '--provider openai needs --model NAME');
  if (!settings.apiKey && !settings.baseUrl) {
    throw new AfterburnerError(
      'usage',
      '--provider openai needs AFTERBURNER_API_KEY or OPENAI_API_KEY, or --base-url for a local server',
    );
  }
  return new OpenAIProvider({ model: settings.model, baseURL: settings.baseUrl, apiKey: settings.apiKey });
}

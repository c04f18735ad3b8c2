import type { Language } from '../detect/types.js';
import { javascriptPlugin } from './javascript/index.js';
import { pythonPlugin } from './python/index.js';
import type { LanguageInfo, LanguagePlugin } from './types.js';

export type { LanguageInfo, LanguagePlugin } from './types.js';

/** Every supported family of languages: adding a language is adding a folder here and a line below. */
export const languagePlugins: readonly LanguagePlugin[] = [javascriptPlugin, pythonPlugin];

/** Whether some plugin handles `language` (a request may name one afterburner does not know). */
export function isSupported(language: string): language is Language {
  return languagePlugins.some((p) => p.languages.includes(language as Language));
}

/** The plugin that handles `language`. */
export function pluginFor(language: Language): LanguagePlugin {
  const plugin = languagePlugins.find((p) => p.languages.includes(language));
  if (!plugin) throw new Error(`no language plugin handles ${language}`);
  return plugin;
}

/** How prompts, answers and parsers treat `language`. */
export function infoFor(language: Language): LanguageInfo {
  return pluginFor(language).info[language] as LanguageInfo;
}

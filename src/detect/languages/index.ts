import { extname } from 'node:path/posix';
import { javascript } from './javascript.js';
import type { LanguageSupport } from './language-support.js';

export type { FoundFunction, LanguageSupport, ParsedSource } from './language-support.js';

const supportedLanguages: readonly LanguageSupport[] = [javascript];

/** The plug-in for a file, chosen by extension; undefined when the language is not supported. */
export function languageForPath(path: string): LanguageSupport | undefined {
  const extension = extname(path).toLowerCase();
  return supportedLanguages.find((language) => language.extensions.includes(extension));
}

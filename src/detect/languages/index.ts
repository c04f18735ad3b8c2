import { extname } from 'node:path/posix';
import type { Language } from '../types.js';
import { javascript } from './javascript.js';
import type { LanguageSupport } from './language-support.js';
import { python } from './python.js';
import { tsx } from './tsx.js';
import { typescript } from './typescript.js';

export type { FoundFunction, LanguageSupport, ParsedSource } from './language-support.js';

const supportedLanguages: readonly LanguageSupport[] = [javascript, typescript, tsx, python];

/** The plug-in for a file, chosen by extension; undefined when the language is not supported. */
export function languageForPath(path: string): LanguageSupport | undefined {
  const extension = extname(path).toLowerCase();
  return supportedLanguages.find((language) => language.extensions.includes(extension));
}

export const allLanguages: readonly Language[] = supportedLanguages.map((support) => support.language);

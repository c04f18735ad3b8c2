import { extname } from 'node:path/posix';
import { javascript } from '../../languages/javascript/detect/javascript.js';
import { tsx } from '../../languages/javascript/detect/tsx.js';
import { typescript } from '../../languages/javascript/detect/typescript.js';
import { python } from '../../languages/python/detect/python.js';
import type { Language } from '../types.js';
import type { LanguageSupport } from './language-support.js';

export type { FoundFunction, LanguageSupport, ParsedSource } from './language-support.js';

const supportedLanguages: readonly LanguageSupport[] = [javascript, typescript, tsx, python];

/** The plug-in for a file, chosen by extension; undefined when the language is not supported. */
export function languageForPath(path: string): LanguageSupport | undefined {
  const extension = extname(path).toLowerCase();
  return supportedLanguages.find((language) => language.extensions.includes(extension));
}

export const allLanguages: readonly Language[] = supportedLanguages.map((support) => support.language);

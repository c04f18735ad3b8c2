import type { Tree } from 'web-tree-sitter';
import { createParser, type GrammarName } from '../detect/tree-sitter.js';
import type { Language } from '../detect/types.js';

export interface LanguageInfo {
  /** How prompts and messages name the language. */
  label: string;
  /** The fence tag prompts ask for. */
  fenceTag: string;
  /** Fence tags accepted in answers ('' is an untagged fence). */
  fenceTags: ReadonlySet<string>;
  grammar: GrammarName;
  /** What a candidate may import without it counting as a new dependency. */
  standardLibrary: string;
}

export const languageInfo: Record<Language, LanguageInfo> = {
  javascript: {
    label: 'JavaScript',
    fenceTag: 'javascript',
    fenceTags: new Set(['', 'js', 'javascript', 'jsx', 'mjs', 'cjs', 'node']),
    grammar: 'javascript',
    standardLibrary: 'Node.js built-in modules (`node:…`)',
  },
  typescript: {
    label: 'TypeScript',
    fenceTag: 'typescript',
    fenceTags: new Set(['', 'ts', 'typescript', 'mts', 'cts']),
    grammar: 'typescript',
    standardLibrary: 'Node.js built-in modules (`node:…`)',
  },
  tsx: {
    label: 'TSX',
    fenceTag: 'tsx',
    fenceTags: new Set(['', 'tsx', 'ts', 'typescript', 'jsx']),
    grammar: 'tsx',
    standardLibrary: 'Node.js built-in modules (`node:…`)',
  },
  python: {
    label: 'Python',
    fenceTag: 'python',
    fenceTags: new Set(['', 'python', 'py', 'python3']),
    grammar: 'python',
    standardLibrary: 'the Python standard library',
  },
};

/** Parses a candidate or an original with its language's grammar; the parser is freed, the tree is the caller's. */
export async function parseIn(language: Language, text: string): Promise<Tree | null> {
  const parser = await createParser(languageInfo[language].grammar);
  try {
    return parser.parse(text);
  } finally {
    parser.delete();
  }
}

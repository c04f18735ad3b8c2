import type { Tree } from 'web-tree-sitter';
import { createParser } from '../detect/tree-sitter.js';
import type { Language } from '../detect/types.js';
import { infoFor } from '../languages/index.js';

/** Parses a candidate or an original with its language's grammar; the parser is freed, the tree is the caller's. */
export async function parseIn(language: Language, text: string): Promise<Tree | null> {
  const parser = await createParser(infoFor(language).grammar);
  try {
    return parser.parse(text);
  } finally {
    parser.delete();
  }
}

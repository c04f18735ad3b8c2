import { Language, Parser } from 'web-tree-sitter';
import { wasmPath } from '../paths.js';

export type GrammarName = 'javascript';

const grammarFiles: Record<GrammarName, string> = {
  javascript: 'tree-sitter-javascript.wasm',
};

let init: Promise<void> | undefined;
const languages = new Map<GrammarName, Promise<Language>>();

/** Loads (once) the tree-sitter runtime and the named grammar, and returns a fresh parser for it. */
export async function createParser(grammar: GrammarName): Promise<Parser> {
  init ??= Parser.init({ locateFile: () => wasmPath('tree-sitter.wasm') });
  await init;
  let language = languages.get(grammar);
  if (!language) {
    language = Language.load(wasmPath(grammarFiles[grammar]));
    languages.set(grammar, language);
  }
  const parser = new Parser();
  parser.setLanguage(await language);
  return parser;
}

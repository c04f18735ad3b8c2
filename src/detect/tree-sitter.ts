import { Language, Parser } from 'web-tree-sitter';
import { wasmPath } from '../paths.js';

export type GrammarName = 'javascript' | 'typescript' | 'tsx' | 'python';

/** Grammar wasm files shipped by @vscode/tree-sitter-wasm; scripts/build.mjs copies these into dist/wasm. */
export const grammarFiles: Record<GrammarName, string> = {
  javascript: 'tree-sitter-javascript.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  python: 'tree-sitter-python.wasm',
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

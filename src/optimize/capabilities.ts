import type { Node, Tree } from 'web-tree-sitter';
import { createParser } from '../detect/tree-sitter.js';
import type { Language } from '../detect/types.js';
import type { SideEffect } from '../harness/types.js';
import { infoFor, pluginFor } from '../languages/index.js';
import type { Bindings } from '../languages/types.js';
import { capabilityReason, kindsOf } from './capability-list.js';
import { parseIn as parse } from './languages.js';

export { type Capability, type CapabilityKind, capabilities, capabilityReason } from './capability-list.js';

export interface CapabilityOptions {
  /**
   * Source around the function (the target's context: the file's imports, module-level definitions): read only
   * for what its imports bind names to, never counted as used by the function.
   */
  context?: string;
}

/** The code as it parses best: alone, or (a class member, an indented method) inside a class or object. */
async function parseCode(language: Language, code: string): Promise<Tree | null> {
  const plugin = pluginFor(language);
  let fallback: Tree | null = null;
  for (const holder of [undefined, ...plugin.memberHolders]) {
    const tree = await parse(language, plugin.wrapForParsing(code, holder).text);
    if (tree && !tree.rootNode.hasError) {
      fallback?.delete();
      return tree;
    }
    if (fallback) tree?.delete();
    else fallback = tree;
  }
  // Unparseable code is still scanned: tree-sitter keeps what it recognised around the errors.
  return fallback;
}

async function bindingsOf(language: Language, context: string | undefined) {
  if (!context?.trim()) return new Map() as Bindings;
  const tree = await parseCode(language, context);
  try {
    if (!tree) return new Map();
    return pluginFor(language).bindings(tree.rootNode);
  } finally {
    tree?.delete();
  }
}

function scan(language: Language, root: Node, bindings: Bindings): Set<string> {
  return pluginFor(language).capabilities(root, bindings);
}

/** The capabilities (names from capability-list.ts) a function's code uses, imports included. */
export async function capabilitiesOf(
  code: string,
  language: Language,
  options: CapabilityOptions = {},
): Promise<Set<string>> {
  const bindings = await bindingsOf(language, options.context);
  const tree = await parseCode(language, code);
  try {
    return tree ? scan(language, tree.rootNode, bindings) : new Set();
  } finally {
    tree?.delete();
  }
}

/**
 * Capabilities the candidate uses that the original does not, sorted; empty when it adds none. Both are
 * function texts (the candidate with the import lines it adds); usable on any stored suggestion.
 */
export async function addedCapabilities(
  original: string,
  candidate: string,
  language: Language,
  options: CapabilityOptions = {},
): Promise<string[]> {
  const before = await capabilitiesOf(original, language, options);
  const after = await capabilitiesOf(candidate, language, options);
  return [...after].filter((name) => !before.has(name)).sort();
}

/** Why a candidate may not run, or undefined when it adds no capability. */
export async function capabilityCheck(
  original: string,
  candidate: string,
  language: Language,
  options: CapabilityOptions = {},
): Promise<string | undefined> {
  const added = await addedCapabilities(original, candidate, language, options);
  return added.length > 0 ? capabilityReason(added) : undefined;
}

/** The side effects the runtime tripwire lets a candidate have: those the original's own code shows. */
export async function allowedSideEffects(
  original: string,
  language: Language,
  options: CapabilityOptions = {},
): Promise<SideEffect[]> {
  const kinds = kindsOf(await capabilitiesOf(original, language, options));
  return (['process', 'network', 'file-write'] as const).filter((kind) => kinds.has(kind));
}

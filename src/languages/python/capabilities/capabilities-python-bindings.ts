import type { Node } from 'web-tree-sitter';
import { named } from '../../../optimize/capability-syntax.js';
import { isLocal } from './capabilities-python-scope.js';
import { capabilityModules, sensitiveModules } from './capabilities-python-tables.js';

/** What a name the module's imports bind stands for: a dotted module, or one of its attributes. */
export interface PyBinding {
  module: string;
  member?: string;
}

/** What the import statements directly in `root` bind. */
export function pythonBindings(root: Node): Map<string, PyBinding> {
  const bindings = new Map<string, PyBinding>();
  for (const node of named(root)) addImportBindings(node, bindings);
  return bindings;
}

export function addImportBindings(node: Node, bindings: Map<string, PyBinding>): void {
  if (node.type === 'import_statement') {
    for (const imported of node.childrenForFieldName('name')) {
      if (!imported) continue;
      if (imported.type === 'aliased_import') {
        const module = imported.childForFieldName('name')?.text ?? '';
        const alias = imported.childForFieldName('alias')?.text;
        if (alias) bindings.set(alias, { module });
      } else {
        const top = imported.text.split('.')[0] ?? imported.text;
        bindings.set(top, { module: top });
      }
    }
  }
  if (node.type === 'import_from_statement') {
    const module = node.childForFieldName('module_name')?.text ?? '';
    for (const imported of node.childrenForFieldName('name')) {
      if (!imported) continue;
      const member =
        imported.type === 'aliased_import' ? (imported.childForFieldName('name')?.text ?? '') : imported.text;
      const local = imported.type === 'aliased_import' ? imported.childForFieldName('alias')?.text : member;
      if (local) bindings.set(local, { module, member });
    }
  }
}

/** The dotted module (and member) an expression names through the bindings: `os.path` → os + path. */
export function resolveName(node: Node, bindings: ReadonlyMap<string, PyBinding>): PyBinding | undefined {
  if (node.type === 'identifier') {
    // A name an import binds (the function's own `import os` included) counts even where a local could shadow it.
    const bound = bindings.get(node.text);
    if (bound) return bound;
    if (isLocal(node, node.text)) return undefined;
    // A module imported at module level out of our sight is still usually named after itself.
    if (sensitiveModules.has(node.text) || capabilityModules[node.text]) return { module: node.text };
    return undefined;
  }
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute')?.text;
    const base = object ? resolveName(object, bindings) : undefined;
    if (!base || !attribute) return undefined;
    return base.member === undefined
      ? { module: base.module, member: attribute }
      : { module: `${base.module}.${base.member}`, member: attribute };
  }
  return undefined;
}

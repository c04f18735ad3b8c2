import type { Node } from 'web-tree-sitter';
import { named } from '../../../optimize/capability-syntax.js';
import { constantString } from './capabilities-js-strings.js';

/** A name the module's imports bind: to a module, or to one of its exports. */
export interface JsBinding {
  module: string;
  member?: string;
}

/** `node:fs/promises` → `fs`; a scoped package keeps its scope. */
export function moduleRoot(specifier: string): string {
  const bare = specifier.replace(/^node:/, '');
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? bare);
}

/** The name bindings of import statements and top-level `require` declarations in `root`. */
export function jsBindings(root: Node): Map<string, JsBinding> {
  const bindings = new Map<string, JsBinding>();
  for (const node of named(root)) {
    if (node.type === 'import_statement') {
      const source = constantString(node.childForFieldName('source'));
      if (source === undefined) continue;
      const module = moduleRoot(source);
      const clause = named(node).find((c) => c.type === 'import_clause');
      for (const part of named(clause ?? null)) {
        if (part.type === 'identifier') bindings.set(part.text, { module });
        if (part.type === 'namespace_import') {
          const name = named(part)[0];
          if (name) bindings.set(name.text, { module });
        }
        if (part.type === 'named_imports') {
          for (const spec of named(part)) {
            const imported = spec.childForFieldName('name')?.text;
            const local = spec.childForFieldName('alias')?.text ?? imported;
            if (imported && local) bindings.set(local, { module, member: imported });
          }
        }
      }
    }
    if (node.type === 'lexical_declaration' || node.type === 'variable_declaration') {
      for (const declarator of named(node)) {
        const required = requiredBy(declarator.childForFieldName('value'));
        if (!required) continue;
        const name = declarator.childForFieldName('name');
        if (name?.type === 'identifier') bindings.set(name.text, required);
        if (name?.type === 'object_pattern') {
          for (const part of named(name)) {
            if (part.type === 'shorthand_property_identifier_pattern')
              bindings.set(part.text, { ...required, member: required.member ?? part.text });
            if (part.type === 'pair_pattern') {
              const local = part.childForFieldName('value');
              if (local?.type === 'identifier')
                bindings.set(local.text, { ...required, member: part.childForFieldName('key')?.text });
            }
          }
        }
      }
    }
  }
  return bindings;
}

/** `require('m')` or `require('m').member`, as a binding. */
function requiredBy(value: Node | null): JsBinding | undefined {
  if (!value) return undefined;
  if (value.type === 'member_expression') {
    const inner = requiredBy(value.childForFieldName('object'));
    const property = value.childForFieldName('property')?.text;
    return inner && !inner.member ? { module: inner.module, member: property } : undefined;
  }
  if (value.type !== 'call_expression' || value.childForFieldName('function')?.text !== 'require')
    return undefined;
  const specifier = constantString(named(value.childForFieldName('arguments'))[0] ?? null);
  return specifier === undefined ? undefined : { module: moduleRoot(specifier) };
}

/** Whether a `require(…)` call is a top-level declaration of the code (an import line), not a body's require. */
export function isImportDeclaration(call: Node): boolean {
  let node: Node | null = call.parent;
  if (node?.type === 'member_expression') node = node.parent;
  if (node?.type !== 'variable_declarator') return false;
  const declaration = node.parent;
  return declaration?.parent?.type === 'program';
}

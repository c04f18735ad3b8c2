import type { Node } from 'web-tree-sitter';
import { named } from '../../../optimize/capability-syntax.js';
import { addImportBindings, type PyBinding, resolveName } from './capabilities-python-bindings.js';
import { isLocal, isReference } from './capabilities-python-scope.js';
import { constantPyString } from './capabilities-python-strings.js';
import {
  anyAttributes,
  builtinCapabilities,
  capabilityModules,
  memberCapability,
  moduleCapability,
  reflective,
  stringNames,
} from './capabilities-python-tables.js';

/** Whether `open(…)`'s mode (second positional or `mode=`) writes; a mode not spelled out counts as writing. */
function opensForWriting(call: Node, positional: number): boolean {
  const args = named(call.childForFieldName('arguments'));
  const keyword = args.find(
    (a) => a.type === 'keyword_argument' && /^(mode|flags)$/.test(a.childForFieldName('name')?.text ?? ''),
  );
  const plain = args.filter((a) => a.type !== 'keyword_argument');
  if (plain.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return true;
  const mode = keyword?.childForFieldName('value') ?? plain[positional];
  if (!mode) return false;
  const text = constantPyString(mode);
  return text === undefined || /[wax+]/.test(text);
}

/** Capabilities the Python code uses; `bindings`: what the names its module imports stand for. */
export function pythonCapabilities(root: Node, bindings: ReadonlyMap<string, PyBinding>): Set<string> {
  const found = new Set<string>();
  const all = new Map(bindings);
  const visit = (node: Node): void => {
    addImportBindings(node, all);
    inspect(node, all, found);
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return found;
}

function inspect(node: Node, bindings: ReadonlyMap<string, PyBinding>, found: Set<string>): void {
  switch (node.type) {
    case 'import_statement':
    case 'import_from_statement': {
      const modules =
        node.type === 'import_from_statement'
          ? [node.childForFieldName('module_name')?.text ?? '']
          : node
              .childrenForFieldName('name')
              .map((n) =>
                n?.type === 'aliased_import' ? (n.childForFieldName('name')?.text ?? '') : (n?.text ?? ''),
              );
      for (const module of modules) {
        const capability = moduleCapability(module);
        if (capability) found.add(capability);
      }
      if (node.type === 'import_from_statement') {
        const module = modules[0] ?? '';
        for (const imported of node.childrenForFieldName('name')) {
          const member =
            imported?.type === 'aliased_import' ? imported.childForFieldName('name')?.text : imported?.text;
          const capability = member ? memberCapability(module, member) : undefined;
          if (capability) found.add(capability);
        }
      }
      break;
    }
    case 'attribute': {
      const attribute = node.childForFieldName('attribute')?.text ?? '';
      const general = anyAttributes[attribute];
      if (general) found.add(general);
      const resolved = resolveName(node, bindings);
      if (resolved) {
        const capability = memberCapability(resolved.module, resolved.member);
        if (capability) found.add(capability);
      }
      break;
    }
    case 'call': {
      const callee = node.childForFieldName('function');
      if (!callee) break;
      const args = named(node.childForFieldName('arguments'));
      if (callee.type === 'identifier' && callee.text === 'open' && !isLocal(callee, 'open')) {
        const bound = bindings.get('open');
        if (!bound && opensForWriting(node, 1)) found.add('file write');
      }
      const resolved = resolveName(callee, bindings);
      if (resolved?.member === 'open' && /^(io|codecs|os|builtins)$/.test(resolved.module)) {
        if (opensForWriting(node, 1)) found.add('file write');
      }
      if (
        callee.type === 'attribute' &&
        callee.childForFieldName('attribute')?.text === 'open' &&
        !resolved
      ) {
        // Path(…).open('w'), and any other object's open with a mode that writes.
        if (opensForWriting(node, 0)) found.add('file write');
      }
      if (callee.type === 'identifier' && reflective.has(callee.text) && !isLocal(callee, callee.text)) {
        const subject = args[0];
        const subjectName = subject ? resolveName(subject, bindings) : undefined;
        const name = args[1];
        if (subjectName && subjectName.member === undefined && name && constantPyString(name) === undefined) {
          found.add('dynamic attribute');
        }
        if (subjectName && name) {
          const capability = memberCapability(subjectName.module, constantPyString(name));
          if (capability) found.add(capability);
        }
        if (callee.text === 'vars' && args.length === 0) found.add('globals()');
      }
      break;
    }
    case 'string':
    case 'concatenated_string':
    case 'binary_operator': {
      if (node.parent?.type === 'concatenated_string') break;
      const text = constantPyString(node);
      const capability = text === undefined ? undefined : stringNames[text];
      if (capability) found.add(capability);
      break;
    }
    case 'identifier': {
      if (!isReference(node)) break;
      const imported = bindings.get(node.text);
      if (imported) {
        const capability = memberCapability(imported.module, imported.member);
        if (capability) found.add(capability);
      }
      if (isLocal(node, node.text)) break;
      const parent = node.parent;
      const called = parent?.type === 'call' && parent.childForFieldName('function')?.id === node.id;
      // `o = open; o(path, 'w')`: open handed on cannot be followed to its mode.
      if (node.text === 'open' && !called && !bindings.has('open')) found.add('file write');
      const builtin = builtinCapabilities[node.text];
      if (builtin && !bindings.has(node.text)) found.add(builtin);
      const bound = bindings.get(node.text);
      if (bound) {
        const capability = memberCapability(bound.module, bound.member);
        if (capability) found.add(capability);
      } else {
        const module = capabilityModules[node.text];
        if (module) found.add(module);
      }
      break;
    }
  }
}

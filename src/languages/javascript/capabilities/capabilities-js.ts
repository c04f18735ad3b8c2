import type { Node } from 'web-tree-sitter';
import { named } from '../../../optimize/capability-syntax.js';
import { isImportDeclaration, type JsBinding, jsBindings, moduleRoot } from './capabilities-js-bindings.js';
import { isLocal, isReference } from './capabilities-js-scope.js';
import { buildsString, constantString } from './capabilities-js-strings.js';
import {
  builtinGlobals,
  capabilityModules,
  conventionalFsNames,
  fsModules,
  fsOpenMethods,
  fsWriteMethods,
  globalCapabilities,
  globalObjects,
  stringNames,
} from './capabilities-js-tables.js';

/** The identifier a member chain starts from (`a` in `a.b[c].d`). */
function rootOf(node: Node): Node {
  let current = node;
  while (current.type === 'member_expression' || current.type === 'subscript_expression') {
    const object = current.childForFieldName('object');
    if (!object) break;
    current = object;
  }
  return current.type === 'parenthesized_expression' ? rootOf(named(current)[0] ?? current) : current;
}

/** What a binding's use gives: the capability module's name, or a file write for fs write functions. */
function bindingCapability(binding: JsBinding, accessed?: string): string | undefined {
  const module = capabilityModules[binding.module];
  if (module) return module;
  if (!fsModules.has(binding.module)) return undefined;
  const member = binding.member === 'promises' || binding.member === 'default' ? undefined : binding.member;
  if (member !== undefined)
    return fsWriteMethods.has(member) || fsOpenMethods.has(member) ? 'file write' : undefined;
  if (accessed !== undefined && (fsWriteMethods.has(accessed) || fsOpenMethods.has(accessed)))
    return 'file write';
  return undefined;
}

/** The property a member or subscript expression reads, when it is spelled out; `*` when computed. */
function accessedName(node: Node): string | undefined {
  if (node.type === 'member_expression') return node.childForFieldName('property')?.text;
  if (node.type === 'subscript_expression') return constantString(node.childForFieldName('index')) ?? '*';
  return undefined;
}

/** `.constructor` used for anything but its name, its prototype or a comparison: a way to reach Function. */
function reachesFunction(member: Node): boolean {
  const parent = member.parent;
  if (!parent) return true;
  if (parent.type === 'binary_expression') return false;
  if (parent.type === 'member_expression' && parent.childForFieldName('object')?.id === member.id) {
    const property = parent.childForFieldName('property')?.text;
    return property !== 'name' && property !== 'prototype';
  }
  return true;
}

/** Capabilities the code uses; `bindings`: what the names its module imports stand for. */
export function jsCapabilities(root: Node, bindings: ReadonlyMap<string, JsBinding>): Set<string> {
  const found = new Set<string>();
  const own = jsBindings(root);
  const all = new Map([...bindings, ...own]);
  const visit = (node: Node): void => {
    inspect(node, all, found);
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return found;
}

function inspect(node: Node, bindings: ReadonlyMap<string, JsBinding>, found: Set<string>): void {
  switch (node.type) {
    case 'import_statement': {
      const source = constantString(node.childForFieldName('source'));
      if (source === undefined) break;
      const binding = { module: moduleRoot(source) };
      const module = capabilityModules[binding.module];
      if (module) found.add(module);
      if (fsModules.has(binding.module)) {
        for (const spec of node.descendantsOfType('import_specifier')) {
          const name = spec?.childForFieldName('name')?.text;
          if (name && (fsWriteMethods.has(name) || fsOpenMethods.has(name))) found.add('file write');
        }
      }
      break;
    }
    case 'call_expression': {
      const callee = node.childForFieldName('function');
      const args = named(node.childForFieldName('arguments'));
      if (callee?.type === 'import') {
        found.add('dynamic import');
        const specifier = constantString(args[0] ?? null);
        const module = specifier === undefined ? undefined : capabilityModules[moduleRoot(specifier)];
        if (module) found.add(module);
      }
      if (callee?.type === 'identifier' && callee.text === 'require' && !isLocal(callee, 'require')) {
        const specifier = constantString(args[0] ?? null);
        if (!isImportDeclaration(node)) found.add('require');
        if (specifier !== undefined) {
          const accessed = node.parent?.type === 'member_expression' ? accessedName(node.parent) : undefined;
          const capability = bindingCapability({ module: moduleRoot(specifier) }, accessed);
          if (capability) found.add(capability);
        }
      }
      if (
        callee?.type === 'identifier' &&
        /^set(Timeout|Interval|Immediate)$/.test(callee.text) &&
        args[0] &&
        (constantString(args[0]) !== undefined || buildsString(args[0]))
      ) {
        found.add('eval');
      }
      // Strings naming a capability module, handed to a plain call: an aliased `require`.
      if (callee && callee.type !== 'member_expression') {
        for (const arg of args) {
          const text = constantString(arg);
          const module = text === undefined ? undefined : capabilityModules[moduleRoot(text)];
          if (module) found.add(module);
        }
      }
      if (callee && isDynamicMember(callee)) found.add('dynamic member call');
      if (
        callee?.type === 'member_expression' &&
        /^Object\.(defineProperty|defineProperties|setPrototypeOf|assign)$/.test(callee.text)
      ) {
        const first = args[0];
        const root = first ? rootOf(first) : undefined;
        if (root?.type === 'identifier' && builtinGlobals.has(root.text) && !isLocal(root, root.text))
          found.add('builtin prototypes');
      }
      break;
    }
    case 'new_expression': {
      const callee = node.childForFieldName('constructor');
      if (callee && isDynamicMember(callee)) found.add('dynamic member call');
      break;
    }
    case 'assignment_expression':
    case 'augmented_assignment_expression': {
      const left = node.childForFieldName('left');
      if (left && (left.type === 'member_expression' || left.type === 'subscript_expression')) {
        const root = rootOf(left);
        if (root.type === 'identifier' && builtinGlobals.has(root.text) && !isLocal(root, root.text))
          found.add('builtin prototypes');
      }
      break;
    }
    case 'meta_property':
      if (node.text.replace(/\s+/g, '') === 'import.meta') found.add('import.meta');
      break;
    case 'member_expression':
    case 'subscript_expression': {
      const name = accessedName(node);
      if (name === 'constructor' && reachesFunction(node)) found.add('Function');
      if (node.type === 'subscript_expression') {
        const index = node.childForFieldName('index');
        if (index && buildsString(index)) found.add('dynamic member call');
      }
      break;
    }
    case 'string':
    case 'template_string':
    case 'binary_expression': {
      const text = constantString(node);
      if (text === undefined) break;
      const named = stringNames[text];
      if (named) found.add(named);
      if (text.startsWith('node:')) {
        const module = capabilityModules[moduleRoot(text)];
        if (module) found.add(module);
      }
      break;
    }
    case 'identifier':
    case 'shorthand_property_identifier':
      inspectIdentifier(node, bindings, found);
      break;
  }
}

function isDynamicMember(callee: Node): boolean {
  let target = callee;
  if (target.type === 'member_expression') {
    const property = target.childForFieldName('property')?.text;
    if (property === 'call' || property === 'apply' || property === 'bind') {
      target = target.childForFieldName('object') ?? target;
    }
  }
  while (target.type === 'parenthesized_expression') target = named(target)[0] ?? target;
  if (target.type !== 'subscript_expression') return false;
  const index = target.childForFieldName('index');
  if (!index || constantString(index) !== undefined) return false;
  if (index.type === 'number' || index.type === 'identifier' || index.type === 'member_expression') {
    // `handlers[type](event)` is ordinary dispatch, unless the key was built from strings one step away.
    return target.childForFieldName('object')?.type === 'subscript_expression';
  }
  return true;
}

function inspectIdentifier(node: Node, bindings: ReadonlyMap<string, JsBinding>, found: Set<string>): void {
  const name = node.text;
  if (!isReference(node) || isLocal(node, name)) return;
  const parent = node.parent;
  const accessed =
    parent &&
    (parent.type === 'member_expression' || parent.type === 'subscript_expression') &&
    parent.childForFieldName('object')?.id === node.id
      ? accessedName(parent)
      : undefined;
  const binding = bindings.get(name);
  if (binding) {
    const capability = bindingCapability(binding, accessed);
    if (capability) found.add(capability);
    if (fsModules.has(binding.module) && !binding.member && accessed === '*') found.add('file write');
    if (fsModules.has(binding.module) && accessed === 'promises' && parent?.parent) {
      const next = accessedName(parent.parent);
      if (next && (fsWriteMethods.has(next) || fsOpenMethods.has(next) || next === '*'))
        found.add('file write');
    }
    return;
  }
  if (conventionalFsNames.has(name)) {
    const fs = bindingCapability({ module: 'fs' }, accessed);
    if (fs || accessed === '*') found.add('file write');
    if (accessed === 'promises' && parent?.parent) {
      const next = accessedName(parent.parent);
      if (next && (fsWriteMethods.has(next) || fsOpenMethods.has(next) || next === '*'))
        found.add('file write');
    }
  }
  if (globalObjects.has(name)) found.add(name);
  if (name === 'process') {
    if (accessed === 'env' || accessed === '*' || accessed === undefined) found.add('process.env');
    if (accessed !== 'env') found.add('process');
  }
  const global = globalCapabilities[name];
  if (
    global &&
    !(
      name === 'require' &&
      parent?.type === 'call_expression' &&
      parent.childForFieldName('function')?.id === node.id
    )
  ) {
    found.add(global);
  }
}

import type { Node } from 'web-tree-sitter';
import { ecmascriptFunctionTypes } from '../detect/languages/syntax-tree.js';

/** A name the module's imports bind: to a module, or to one of its exports. */
export interface JsBinding {
  module: string;
  member?: string;
}

// Node built-ins (and look-alike packages) whose mere use is a capability, by the capability they give.
const capabilityModules: Record<string, string> = {
  child_process: 'child_process',
  worker_threads: 'worker_threads',
  cluster: 'cluster',
  net: 'net',
  http: 'http',
  https: 'https',
  http2: 'http2',
  dgram: 'dgram',
  tls: 'tls',
  dns: 'dns',
  vm: 'vm',
  inspector: 'vm',
  repl: 'vm',
  v8: 'vm',
  wasi: 'vm',
  module: 'module',
  process: 'process',
  execa: 'child_process',
  'cross-spawn': 'child_process',
  shelljs: 'child_process',
  undici: 'http',
  'node-fetch': 'fetch',
  axios: 'http',
  got: 'http',
  superagent: 'http',
  request: 'http',
  ws: 'WebSocket',
};
// Looked up with names from the candidate: `__proto__` or `constructor` must find nothing.
Object.setPrototypeOf(capabilityModules, null);
const fsModules = new Set(['fs', 'fs-extra', 'graceful-fs', 'original-fs', 'rimraf', 'mkdirp']);
// Names a file system module usually goes by when the import that binds it is out of sight.
const conventionalFsNames = new Set(['fs', 'fsp', 'fsPromises', 'fse', 'fsExtra']);
const fsWriteMethods = new Set(
  [
    'writeFile',
    'appendFile',
    'write',
    'writev',
    'mkdir',
    'mkdtemp',
    'rm',
    'rmdir',
    'unlink',
    'rename',
    'copyFile',
    'cp',
    'symlink',
    'link',
    'truncate',
    'ftruncate',
    'chmod',
    'fchmod',
    'lchmod',
    'chown',
    'fchown',
    'lchown',
    'utimes',
    'futimes',
    'lutimes',
    'outputFile',
    'outputJson',
    'writeJson',
    'remove',
    'emptyDir',
    'ensureFile',
    'ensureDir',
    'move',
    'copy',
  ].flatMap((name) => [name, `${name}Sync`]),
);
fsWriteMethods.add('createWriteStream');
const fsOpenMethods = new Set(['open', 'openSync', 'openAsBlob']);

const globalObjects = new Set(['globalThis', 'global', 'window', 'self']);
const globalCapabilities: Record<string, string> = {
  eval: 'eval',
  Function: 'Function',
  WebAssembly: 'vm',
  fetch: 'fetch',
  XMLHttpRequest: 'XMLHttpRequest',
  WebSocket: 'WebSocket',
  EventSource: 'WebSocket',
  Reflect: 'Reflect',
  require: 'require',
  module: 'module',
  importScripts: 'dynamic import',
  navigator: 'window',
  document: 'window',
  localStorage: 'window',
  sessionStorage: 'window',
  indexedDB: 'window',
  Deno: 'process',
  Bun: 'process',
};
// Looked up with names from the candidate: `__proto__` or `constructor` must find nothing.
Object.setPrototypeOf(globalCapabilities, null);
const builtinGlobals = new Set([
  'Object',
  'Array',
  'String',
  'Number',
  'Boolean',
  'Symbol',
  'BigInt',
  'Math',
  'JSON',
  'Promise',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'Date',
  'RegExp',
  'Error',
  'TypeError',
  'RangeError',
  'Function',
  'console',
  'Buffer',
  'Intl',
  'Atomics',
  'ArrayBuffer',
  'Uint8Array',
]);
const stringNames: Record<string, string> = {
  constructor: 'Function',
  eval: 'eval',
  Function: 'Function',
  require: 'require',
  globalThis: 'globalThis',
};
// Looked up with names from the candidate: `__proto__` or `constructor` must find nothing.
Object.setPrototypeOf(stringNames, null);

const blockTypes = new Set(['statement_block', 'program', 'switch_body', 'class_body']);
const loopTypes = new Set(['for_statement', 'for_in_statement', 'catch_clause']);

/** `node:fs/promises` → `fs`; a scoped package keeps its scope. */
export function moduleRoot(specifier: string): string {
  const bare = specifier.replace(/^node:/, '');
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? bare);
}

const named = (node: Node | null): Node[] =>
  node ? node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [];

function decodeEscape(sequence: string): string {
  const simple: Record<string, string> = Object.assign(Object.create(null), {
    n: '\n',
    t: '\t',
    r: '\r',
    b: '\b',
    f: '\f',
    v: '\v',
    '0': '\0',
  });
  const body = sequence.slice(1);
  if (/^x[0-9a-f]{2}$/i.test(body) || /^u[0-9a-f]{4}$/i.test(body))
    return String.fromCharCode(Number.parseInt(body.slice(1), 16));
  const braced = /^u\{([0-9a-f]+)\}$/i.exec(body);
  if (braced?.[1]) return String.fromCodePoint(Number.parseInt(braced[1], 16));
  if (body.startsWith('\n') || body.startsWith('\r')) return '';
  return simple[body] ?? body;
}

/** The value of a string expression the code spells out in full (literals, `+` of literals); else undefined. */
export function constantString(node: Node | null): string | undefined {
  if (!node) return undefined;
  if (node.type === 'parenthesized_expression') return constantString(named(node)[0] ?? null);
  if (node.type === 'string' || node.type === 'template_string') {
    let text = '';
    for (const part of named(node)) {
      if (part.type === 'string_fragment') text += part.text;
      else if (part.type === 'escape_sequence') text += decodeEscape(part.text);
      else return undefined;
    }
    return text;
  }
  if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '+') {
    const left = constantString(node.childForFieldName('left'));
    const right = constantString(node.childForFieldName('right'));
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  return undefined;
}

/** Whether an expression builds a string at run time (concatenation, templates, decoding calls). */
function buildsString(node: Node): boolean {
  if (constantString(node) !== undefined) return false;
  if (node.type === 'template_string') return true;
  if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '+') {
    const sides = [node.childForFieldName('left'), node.childForFieldName('right')];
    return sides.some((side) => side && (constantString(side) !== undefined || buildsString(side)));
  }
  if (node.type === 'call_expression') {
    return /\b(fromCharCode|fromCodePoint|atob|join|reverse|decodeURIComponent|unescape|toString|from)\s*$/.test(
      node.childForFieldName('function')?.text ?? '',
    );
  }
  return node.type === 'parenthesized_expression' && named(node).some(buildsString);
}

/** Names a declaration pattern binds (`a`, `{ b, c: d }`, `[e, ...f]`, `g = 1`, TypeScript parameters). */
function patternNames(node: Node | null): string[] {
  if (!node) return [];
  switch (node.type) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      return [node.text];
    case 'pair_pattern':
      return patternNames(node.childForFieldName('value'));
    case 'assignment_pattern':
    case 'object_assignment_pattern':
      return patternNames(node.childForFieldName('left'));
    case 'required_parameter':
    case 'optional_parameter':
      return patternNames(node.childForFieldName('pattern'));
    case 'object_pattern':
    case 'array_pattern':
    case 'rest_pattern':
    case 'formal_parameters':
      return named(node).flatMap(patternNames);
    default:
      return [];
  }
}

/** Declarations found under `node` without entering nested functions; `vars` only or lexical ones too. */
function collectDeclarations(node: Node, into: Set<string>, lexical: boolean): void {
  for (const child of named(node)) {
    if (ecmascriptFunctionTypes.has(child.type)) {
      if (child.type.endsWith('_declaration') && lexical) {
        const name = child.childForFieldName('name');
        if (name) into.add(name.text);
      }
      continue;
    }
    if (child.type === 'variable_declaration' || (lexical && child.type === 'lexical_declaration')) {
      for (const declarator of named(child)) {
        if (declarator.type === 'variable_declarator')
          for (const n of patternNames(declarator.childForFieldName('name'))) into.add(n);
      }
    }
    if (lexical && child.type === 'class_declaration') {
      const name = child.childForFieldName('name');
      if (name) into.add(name.text);
    }
    // var declarations hoist out of blocks; lexical ones belong to the block they are in.
    if (child.type !== 'variable_declaration' && child.type !== 'lexical_declaration') {
      collectDeclarations(child, into, false);
    }
  }
}

const declaredCache = new WeakMap<object, Map<number, Set<string>>>();

/** Names declared directly in a scope node. */
function declaredIn(scope: Node): Set<string> {
  let byTree = declaredCache.get(scope.tree);
  if (!byTree) {
    byTree = new Map();
    declaredCache.set(scope.tree, byTree);
  }
  const cached = byTree.get(scope.id);
  if (cached) return cached;
  const names = new Set<string>();
  if (ecmascriptFunctionTypes.has(scope.type)) {
    for (const n of patternNames(scope.childForFieldName('parameters'))) names.add(n);
    const single = scope.childForFieldName('parameter');
    if (single) for (const n of patternNames(single)) names.add(n);
    if (scope.type === 'function_expression' || scope.type === 'function') {
      const name = scope.childForFieldName('name');
      if (name) names.add(name.text);
    }
    const body = scope.childForFieldName('body');
    if (body) {
      collectDeclarations(body, names, true);
      // var declarations anywhere in the body, outside nested functions.
      const hoisted = (node: Node) => {
        for (const child of named(node)) {
          if (ecmascriptFunctionTypes.has(child.type)) continue;
          if (child.type === 'variable_declaration') {
            for (const d of named(child))
              for (const n of patternNames(d.childForFieldName('name'))) names.add(n);
          }
          hoisted(child);
        }
      };
      hoisted(body);
    }
  } else if (blockTypes.has(scope.type)) {
    collectDeclarations(scope, names, true);
  } else if (loopTypes.has(scope.type)) {
    const declared =
      scope.childForFieldName('initializer') ??
      scope.childForFieldName('left') ??
      scope.childForFieldName('parameter');
    if (declared?.type === 'lexical_declaration' || declared?.type === 'variable_declaration') {
      for (const d of named(declared))
        for (const n of patternNames(d.childForFieldName('name'))) names.add(n);
    } else if (scope.type !== 'for_statement') {
      // `for (const x of …)` puts the pattern in `left` with the kind as a sibling token.
      const kind = scope.childForFieldName('kind');
      if (kind || scope.type === 'catch_clause') for (const n of patternNames(declared)) names.add(n);
    }
  }
  byTree.set(scope.id, names);
  return names;
}

function isLocal(reference: Node, name: string): boolean {
  for (let scope = reference.parent; scope; scope = scope.parent) {
    if (declaredIn(scope).has(name)) return true;
  }
  return false;
}

/** Whether an identifier node is a name being read (not a declaration's name, a label, a property). */
function isReference(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'labeled_statement' || parent.type === 'break_statement') return false;
  if (parent.type === 'continue_statement' || parent.type === 'import_specifier') return false;
  if (parent.type === 'import_clause' || parent.type === 'namespace_import') return false;
  return true;
}

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
function isImportDeclaration(call: Node): boolean {
  let node: Node | null = call.parent;
  if (node?.type === 'member_expression') node = node.parent;
  if (node?.type !== 'variable_declarator') return false;
  const declaration = node.parent;
  return declaration?.parent?.type === 'program';
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

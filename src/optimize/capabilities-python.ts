import type { Node } from 'web-tree-sitter';

/** What a name the module's imports bind stands for: a dotted module, or one of its attributes. */
export interface PyBinding {
  module: string;
  member?: string;
}

// Modules whose use is a capability, by their top package (or dotted prefix), and the capability they give.
const capabilityModules: Record<string, string> = {
  subprocess: 'subprocess',
  multiprocessing: 'multiprocessing',
  pty: 'pty',
  socket: 'socket',
  socketserver: 'socket',
  ssl: 'socket',
  urllib: 'urllib',
  urllib3: 'urllib',
  'http.client': 'http.client',
  'http.server': 'http.client',
  'http.cookiejar': 'http.client',
  xmlrpc: 'http.client',
  ftplib: 'http.client',
  smtplib: 'http.client',
  poplib: 'http.client',
  imaplib: 'http.client',
  nntplib: 'http.client',
  telnetlib: 'http.client',
  webbrowser: 'http.client',
  requests: 'requests',
  httpx: 'requests',
  aiohttp: 'requests',
  importlib: 'importlib',
  runpy: 'importlib',
  code: 'importlib',
  codeop: 'importlib',
  ctypes: 'importlib',
  cffi: 'importlib',
  marshal: 'importlib',
  builtins: 'globals()',
  shutil: 'file write',
  tempfile: 'file write',
};
// Looked up with names from the candidate: `__proto__` or `constructor` must find nothing.
Object.setPrototypeOf(capabilityModules, null);
const osAttributes: Record<string, string> = {
  system: 'os.system',
  popen: 'os.popen',
  fork: 'os.fork',
  forkpty: 'os.fork',
  environ: 'os.environ',
  environb: 'os.environ',
  putenv: 'os.environ',
  unsetenv: 'os.environ',
  getenv: 'os.getenv',
  getenvb: 'os.getenv',
};
// Looked up with names from the candidate: `__proto__` or `constructor` must find nothing.
Object.setPrototypeOf(osAttributes, null);
for (const name of [
  'remove',
  'unlink',
  'rmdir',
  'removedirs',
  'rename',
  'renames',
  'replace',
  'mkdir',
  'makedirs',
]) {
  osAttributes[name] = 'file write';
}
for (const name of [
  'chmod',
  'chown',
  'lchown',
  'truncate',
  'ftruncate',
  'symlink',
  'link',
  'utime',
  'mkfifo',
]) {
  osAttributes[name] = 'file write';
}
for (const name of ['mknod', 'write', 'writev', 'pwrite', 'sendfile', 'open', 'fdopen', 'copy_file_range']) {
  osAttributes[name] = 'file write';
}
const sysAttributes: Record<string, string> = {
  modules: 'globals()',
  _getframe: 'globals()',
  settrace: 'globals()',
  setprofile: 'globals()',
  meta_path: 'importlib',
  path_hooks: 'importlib',
  addaudithook: 'globals()',
};
// Looked up with names from the candidate: `__proto__` or `constructor` must find nothing.
Object.setPrototypeOf(sysAttributes, null);
// Attribute names that are capabilities on whatever object they are read from.
const anyAttributes: Record<string, string> = {
  write_text: 'file write',
  write_bytes: 'file write',
  touch: 'file write',
  symlink_to: 'file write',
  hardlink_to: 'file write',
  link_to: 'file write',
  create_subprocess_exec: 'subprocess',
  create_subprocess_shell: 'subprocess',
  ProcessPoolExecutor: 'multiprocessing',
  open_connection: 'socket',
  open_unix_connection: 'socket',
  start_server: 'socket',
  start_unix_server: 'socket',
  create_connection: 'socket',
  create_datagram_endpoint: 'socket',
  __globals__: 'globals()',
  __builtins__: 'globals()',
  __subclasses__: 'globals()',
  __bases__: 'globals()',
  __mro__: 'globals()',
  __code__: 'importlib',
  f_globals: 'globals()',
  f_locals: 'globals()',
  f_back: 'globals()',
  f_builtins: 'globals()',
  gi_frame: 'globals()',
  cr_frame: 'globals()',
  tb_frame: 'globals()',
  __loader__: 'importlib',
  __import__: '__import__',
};
// Looked up with names from the candidate: `__proto__` or `constructor` must find nothing.
Object.setPrototypeOf(anyAttributes, null);
const builtinCapabilities: Record<string, string> = {
  exec: 'exec',
  eval: 'eval',
  compile: 'compile',
  __import__: '__import__',
  globals: 'globals()',
  __builtins__: 'globals()',
  breakpoint: 'exec',
};
// Looked up with names from the candidate: `__proto__` or `constructor` must find nothing.
Object.setPrototypeOf(builtinCapabilities, null);
// String constants that name a capability (the second argument of getattr, a key of vars(), …).
const stringNames: Record<string, string> = {
  ...builtinCapabilities,
  ...Object.fromEntries(Object.entries(osAttributes).filter(([, c]) => c !== 'file write')),
  ...capabilityModules,
  __globals__: 'globals()',
  __subclasses__: 'globals()',
  modules: 'globals()',
};
// Looked up with names from the candidate: `__proto__` or `constructor` must find nothing.
Object.setPrototypeOf(stringNames, null);
const reflective = new Set(['getattr', 'setattr', 'delattr', 'hasattr', 'vars']);
const sensitiveModules = new Set([
  'http',
  'os',
  'sys',
  'builtins',
  'subprocess',
  'shutil',
  'socket',
  'importlib',
  'posix',
]);
const scopeTypes = new Set(['function_definition', 'lambda', 'class_definition']);

const named = (node: Node | null): Node[] =>
  node ? node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [];

/** The module a dotted import name is, as the capability table knows it. */
function moduleCapability(dotted: string): string | undefined {
  const parts = dotted.split('.');
  return capabilityModules[parts.slice(0, 2).join('.')] ?? capabilityModules[parts[0] ?? ''];
}

/** A string's value when it has no interpolation (adjacent literals joined). */
export function constantPyString(node: Node | null): string | undefined {
  if (!node) return undefined;
  if (node.type === 'concatenated_string') {
    let text = '';
    for (const part of named(node)) {
      const value = constantPyString(part);
      if (value === undefined) return undefined;
      text += value;
    }
    return text;
  }
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '+') {
    const left = constantPyString(node.childForFieldName('left'));
    const right = constantPyString(node.childForFieldName('right'));
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  if (node.type === 'parenthesized_expression') return constantPyString(named(node)[0] ?? null);
  if (node.type !== 'string') return undefined;
  let text = '';
  for (const part of named(node)) {
    if (part.type === 'string_start' || part.type === 'string_end') continue;
    if (part.type === 'string_content') text += part.text;
    else if (part.type === 'escape_sequence') text += decodePyEscape(part.text);
    else return undefined;
  }
  return text;
}

function decodePyEscape(sequence: string): string {
  const body = sequence.slice(1);
  if (/^(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})$/i.test(body))
    return String.fromCodePoint(Number.parseInt(body.slice(1), 16));
  if (/^[0-7]{1,3}$/.test(body)) return String.fromCharCode(Number.parseInt(body, 8));
  const simple: Record<string, string> = Object.assign(Object.create(null), {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    "'": "'",
    '"': '"',
  });
  return simple[body] ?? sequence;
}

function targetNames(node: Node | null, into: Set<string>): void {
  if (!node) return;
  if (node.type === 'identifier') {
    into.add(node.text);
    return;
  }
  if (node.type === 'attribute' || node.type === 'subscript') return;
  for (const child of named(node)) targetNames(child, into);
}

/** Names a function (or class, lambda) binds in its own scope: parameters, assignments, imports, defs. */
function boundIn(scope: Node): Set<string> {
  const names = new Set<string>();
  const parameters = scope.childForFieldName('parameters');
  for (const parameter of named(parameters)) {
    const name =
      parameter.type === 'identifier'
        ? parameter
        : (parameter.childForFieldName('name') ?? named(parameter)[0]);
    if (name?.type === 'identifier') names.add(name.text);
  }
  const walk = (node: Node) => {
    for (const child of named(node)) {
      if (scopeTypes.has(child.type)) {
        const name = child.childForFieldName('name');
        if (name) names.add(name.text);
        continue;
      }
      switch (child.type) {
        case 'assignment':
        case 'augmented_assignment':
        case 'for_statement':
        case 'for_in_clause':
          targetNames(child.childForFieldName('left'), names);
          break;
        case 'named_expression':
          targetNames(child.childForFieldName('name'), names);
          break;
        case 'as_pattern':
          targetNames(child.childForFieldName('alias'), names);
          break;
        case 'import_statement':
        case 'import_from_statement':
          for (const imported of child.childrenForFieldName('name')) {
            if (!imported) continue;
            const alias = imported.childForFieldName('alias');
            names.add(alias?.text ?? imported.text.split('.')[0] ?? imported.text);
          }
          break;
      }
      walk(child);
    }
  };
  const body = scope.childForFieldName('body');
  if (body) walk(body);
  return names;
}

const boundCache = new WeakMap<object, Map<number, Set<string>>>();

function isLocal(reference: Node, name: string): boolean {
  for (let scope = reference.parent; scope; scope = scope.parent) {
    if (!scopeTypes.has(scope.type)) continue;
    let byTree = boundCache.get(scope.tree);
    if (!byTree) {
      byTree = new Map();
      boundCache.set(scope.tree, byTree);
    }
    let names = byTree.get(scope.id);
    if (!names) {
      names = boundIn(scope);
      byTree.set(scope.id, names);
    }
    if (names.has(name)) return true;
  }
  return false;
}

function isReference(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'attribute' && parent.childForFieldName('attribute')?.id === node.id) return false;
  if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.id === node.id) return false;
  if (parent.type === 'dotted_name' || parent.type === 'aliased_import') return false;
  if (scopeTypes.has(parent.type) && parent.childForFieldName('name')?.id === node.id) return false;
  if (parent.type === 'parameters' || parent.type === 'lambda_parameters') return false;
  if (parent.type === 'default_parameter' || parent.type === 'typed_parameter') {
    return parent.childForFieldName('name')?.id !== node.id && parent.type === 'default_parameter';
  }
  return true;
}

/** What the import statements directly in `root` bind. */
export function pythonBindings(root: Node): Map<string, PyBinding> {
  const bindings = new Map<string, PyBinding>();
  for (const node of named(root)) addImportBindings(node, bindings);
  return bindings;
}

function addImportBindings(node: Node, bindings: Map<string, PyBinding>): void {
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

/** The capability of reading `member` from module `module` (both dotted names). */
function memberCapability(module: string, member: string | undefined): string | undefined {
  const whole = moduleCapability(member ? `${module}.${member}` : module);
  if (whole) return whole;
  if (member === undefined) return undefined;
  if (module === 'os' || module === 'posix' || module === 'nt') {
    if (/^exec/.test(member)) return 'os.exec';
    if (/^(spawn|posix_spawn)/.test(member)) return 'os.spawn';
    return osAttributes[member];
  }
  if (module === 'sys') return sysAttributes[member];
  if (module === 'concurrent.futures' && member === 'ProcessPoolExecutor') return 'multiprocessing';
  if (module === 'asyncio') return anyAttributes[member];
  return undefined;
}

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

/** The dotted module (and member) an expression names through the bindings: `os.path` → os + path. */
function resolveName(node: Node, bindings: ReadonlyMap<string, PyBinding>): PyBinding | undefined {
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

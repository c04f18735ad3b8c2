// What the JavaScript capability scan (capabilities-js.ts) looks names up in.

// Node built-ins (and look-alike packages) whose mere use is a capability, by the capability they give.
export const capabilityModules: Record<string, string> = {
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
export const fsModules = new Set(['fs', 'fs-extra', 'graceful-fs', 'original-fs', 'rimraf', 'mkdirp']);
// Names a file system module usually goes by when the import that binds it is out of sight.
export const conventionalFsNames = new Set(['fs', 'fsp', 'fsPromises', 'fse', 'fsExtra']);
export const fsWriteMethods = new Set(
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
export const fsOpenMethods = new Set(['open', 'openSync', 'openAsBlob']);

export const globalObjects = new Set(['globalThis', 'global', 'window', 'self']);
export const globalCapabilities: Record<string, string> = {
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
export const builtinGlobals = new Set([
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
export const stringNames: Record<string, string> = {
  constructor: 'Function',
  eval: 'eval',
  Function: 'Function',
  require: 'require',
  globalThis: 'globalThis',
};
// Looked up with names from the candidate: `__proto__` or `constructor` must find nothing.
Object.setPrototypeOf(stringNames, null);

/**
 * What a candidate may not start using when the original did not: the one list the capability check
 * (capabilities.ts) reports from and the runtime tripwire (the verify runners) is configured by.
 *
 * - process: starting processes or threads that run other code
 * - file-write: creating, changing or removing files
 * - network: opening connections, sending datagrams, resolving names
 * - code-loading: turning text into code, or loading modules at run time
 * - environment: reading or changing environment variables
 * - globals: reaching the global object, the process object, builtins or another module's state
 */
export type CapabilityKind =
  | 'process'
  | 'file-write'
  | 'network'
  | 'code-loading'
  | 'environment'
  | 'globals';

export interface Capability {
  name: string;
  kind: CapabilityKind;
  /** What in the code counts as this capability. */
  seen: string;
}

export const capabilities: readonly Capability[] = [
  // Processes
  {
    name: 'child_process',
    kind: 'process',
    seen: 'the `child_process` module (import, require, or a name bound to it)',
  },
  { name: 'worker_threads', kind: 'process', seen: 'the `worker_threads` module' },
  { name: 'cluster', kind: 'process', seen: 'the `cluster` module' },
  { name: 'subprocess', kind: 'process', seen: 'the `subprocess` module, asyncio.create_subprocess_*' },
  { name: 'multiprocessing', kind: 'process', seen: '`multiprocessing`, ProcessPoolExecutor' },
  { name: 'pty', kind: 'process', seen: 'the `pty` module' },
  { name: 'os.system', kind: 'process', seen: '`os.system`' },
  { name: 'os.popen', kind: 'process', seen: '`os.popen`' },
  { name: 'os.exec', kind: 'process', seen: '`os.execv`, `os.execvp`, … (every `os.exec*`)' },
  { name: 'os.spawn', kind: 'process', seen: '`os.spawn*`, `os.posix_spawn*`' },
  { name: 'os.fork', kind: 'process', seen: '`os.fork`, `os.forkpty`' },
  // Writing files
  {
    name: 'file write',
    kind: 'file-write',
    seen:
      'fs write/append/mkdir/rm/rename/unlink/copy/chmod/… (callback, sync and promise forms), createWriteStream; ' +
      'Python open() with a mode that writes, os.remove/rename/mkdir/…, shutil, tempfile, pathlib write_*/touch/unlink',
  },
  // Network
  ...['net', 'http', 'https', 'http2', 'dgram', 'tls', 'dns'].map((name) => ({
    name,
    kind: 'network' as const,
    seen: `the \`${name}\` module`,
  })),
  { name: 'fetch', kind: 'network', seen: 'the global `fetch`' },
  { name: 'XMLHttpRequest', kind: 'network', seen: 'the global `XMLHttpRequest`' },
  { name: 'WebSocket', kind: 'network', seen: 'the global `WebSocket` (and `EventSource`)' },
  {
    name: 'socket',
    kind: 'network',
    seen: '`socket`, `socketserver`, `ssl`, asyncio.open_connection/start_server/create_connection',
  },
  { name: 'urllib', kind: 'network', seen: '`urllib`, `urllib3`' },
  {
    name: 'http.client',
    kind: 'network',
    seen: '`http.client`, `http.server`, `xmlrpc`, `ftplib`, `smtplib`, …',
  },
  { name: 'requests', kind: 'network', seen: '`requests`, `httpx`, `aiohttp`' },
  // Code loading
  { name: 'eval', kind: 'code-loading', seen: '`eval` (JavaScript and Python), setTimeout with a string' },
  {
    name: 'Function',
    kind: 'code-loading',
    seen: '`Function`, `new Function`, and `.constructor` reached beyond `.name`/`.prototype`/comparisons',
  },
  {
    name: 'vm',
    kind: 'code-loading',
    seen: 'the `vm` module (and `inspector`, `repl`, `v8`, `wasi`, `WebAssembly`)',
  },
  { name: 'dynamic import', kind: 'code-loading', seen: '`import(…)`' },
  {
    name: 'require',
    kind: 'code-loading',
    seen: '`require` inside the function, or `require` aliased or passed on',
  },
  {
    name: 'module',
    kind: 'code-loading',
    seen: 'the `module` module or object (`createRequire`, `module.require`)',
  },
  {
    name: 'dynamic member call',
    kind: 'code-loading',
    seen: 'a call of `x[key]` with a key built at run time from strings, or string-built keys',
  },
  { name: 'exec', kind: 'code-loading', seen: 'Python `exec`' },
  { name: 'compile', kind: 'code-loading', seen: 'Python `compile`' },
  { name: '__import__', kind: 'code-loading', seen: 'Python `__import__`' },
  { name: 'importlib', kind: 'code-loading', seen: '`importlib`, `runpy`, `code`, `ctypes`, `marshal`' },
  {
    name: 'dynamic attribute',
    kind: 'code-loading',
    seen: 'getattr/setattr on os, sys, builtins, … with a computed name',
  },
  // The environment
  { name: 'process.env', kind: 'environment', seen: '`process.env`, or `process[…]` with a computed key' },
  {
    name: 'os.environ',
    kind: 'environment',
    seen: '`os.environ`, `os.environb`, `os.putenv`, `os.unsetenv`',
  },
  { name: 'os.getenv', kind: 'environment', seen: '`os.getenv`' },
  // Globals
  ...['globalThis', 'global', 'window', 'self'].map((name) => ({
    name,
    kind: 'globals' as const,
    seen: `the global object as \`${name}\``,
  })),
  { name: 'process', kind: 'globals', seen: '`process.*` other than `process.env`' },
  { name: 'Reflect', kind: 'globals', seen: '`Reflect`' },
  { name: 'import.meta', kind: 'globals', seen: '`import.meta`' },
  {
    name: 'builtin prototypes',
    kind: 'globals',
    seen: 'assigning to a property of `Object`, `Array.prototype`, `Math`, …',
  },
  {
    name: 'globals()',
    kind: 'globals',
    seen: 'Python `globals()`, `builtins`, `__builtins__`, `sys.modules`, frames and `__globals__`/`__subclasses__`',
  },
];

const kindByName = new Map(capabilities.map((c) => [c.name, c.kind]));

/** The kinds of the named capabilities (names not in the list count as code loading: when in doubt, flag). */
export function kindsOf(names: Iterable<string>): Set<CapabilityKind> {
  return new Set([...names].map((name) => kindByName.get(name) ?? 'code-loading'));
}

/** The reason a candidate is rejected for; the names in the order given. */
export function capabilityReason(added: readonly string[]): string {
  return `adds a capability the original does not use: ${added.join(', ')}`;
}

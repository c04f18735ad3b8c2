// What the Python capability scan (capabilities-python.ts) looks names and attributes up in.

// Modules whose use is a capability, by their top package (or dotted prefix), and the capability they give.
export const capabilityModules: Record<string, string> = {
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
export const anyAttributes: Record<string, string> = {
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
export const builtinCapabilities: Record<string, string> = {
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
export const stringNames: Record<string, string> = {
  ...builtinCapabilities,
  ...Object.fromEntries(Object.entries(osAttributes).filter(([, c]) => c !== 'file write')),
  ...capabilityModules,
  __globals__: 'globals()',
  __subclasses__: 'globals()',
  modules: 'globals()',
};
// Looked up with names from the candidate: `__proto__` or `constructor` must find nothing.
Object.setPrototypeOf(stringNames, null);
export const reflective = new Set(['getattr', 'setattr', 'delattr', 'hasattr', 'vars']);
export const sensitiveModules = new Set([
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

/** The module a dotted import name is, as the capability table knows it. */
export function moduleCapability(dotted: string): string | undefined {
  const parts = dotted.split('.');
  return capabilityModules[parts.slice(0, 2).join('.')] ?? capabilityModules[parts[0] ?? ''];
}

/** The capability of reading `member` from module `module` (both dotted names). */
export function memberCapability(module: string, member: string | undefined): string | undefined {
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

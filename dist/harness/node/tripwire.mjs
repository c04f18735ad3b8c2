// Runs inside the sandbox, in the verify runner. While the candidate runs (and only then), starting a process,
// opening a network connection or writing a file outside the temp directory fails the candidate: the guarded
// function throws and the first such attempt is kept as the reason. Side effects the original's own code shows
// (the `allow` list: process, network, file-write) stay possible. Node 18 has no permission model, so the modules
// themselves are guarded; what a candidate could still do through native addons is the sandbox's business.
import childProcess from 'node:child_process';
import cluster from 'node:cluster';
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import workerThreads from 'node:worker_threads';

const realRealpath = fs.realpathSync;
const realExists = fs.existsSync;

function realPath(path) {
  // The nearest directory that exists, resolved through its symlinks, plus the part that does not exist yet.
  let existing = path;
  let rest = '';
  while (!realExists(existing) && dirname(existing) !== existing) {
    rest = rest ? `${basename(existing)}${sep}${rest}` : basename(existing);
    existing = dirname(existing);
  }
  try {
    return resolve(realRealpath(existing), rest);
  } catch {
    return resolve(existing, rest);
  }
}

function pathOf(value) {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  if (value instanceof URL && value.protocol === 'file:') return fileURLToPath(value);
  return undefined;
}

const writeFlags = fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT;

function opensForWriting(flags) {
  if (flags === undefined || flags === null) return false;
  if (typeof flags === 'number') return (flags & (writeFlags | fs.constants.O_TRUNC)) !== 0;
  return /[wa+]/.test(String(flags));
}

export function installTripwire(options) {
  const state = { active: false, tripped: undefined };
  const wire = {
    get tripped() {
      return state.tripped;
    },
    /** Marks what runs next as candidate code (`true`) or not, in as many instructions either way. */
    watch(on) {
      state.active = on;
    },
    /** Runs `fn` (sync or async) as candidate code. */
    async during(fn) {
      const before = state.active;
      state.active = true;
      try {
        return await fn();
      } finally {
        state.active = before;
      }
    },
  };
  if (!options) return wire;
  const allow = new Set(options.allow ?? []);
  const workspace = realPath(process.cwd());
  const temp = realPath(options.tempDir ?? tmpdir());

  function trip(reason) {
    state.tripped ??= reason;
    const error = new Error(`afterburner tripwire: ${reason}`);
    error.code = 'EACCES';
    throw error;
  }

  /** Replaces `holder[name]` with a guard that asks `check(args, self)` for a reason while the candidate runs. */
  function guard(holder, name, check) {
    const real = holder?.[name];
    if (typeof real !== 'function') return;
    const guarded = function (...args) {
      if (state.active) {
        const reason = check(args, this);
        if (reason) trip(reason);
      }
      return new.target ? Reflect.construct(real, args, new.target) : real.apply(this, args);
    };
    Object.defineProperty(guarded, 'name', { value: real.name });
    if (real.prototype) guarded.prototype = real.prototype;
    holder[name] = guarded;
  }

  if (!allow.has('process')) {
    const spawned = (file) => `the candidate spawned a process: ${basename(String(file ?? 'sh'))}`;
    for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync']) {
      guard(childProcess, name, ([file]) => spawned(file));
    }
    for (const name of ['exec', 'execSync']) guard(childProcess, name, () => spawned('sh'));
    guard(childProcess, 'fork', () => spawned(process.execPath));
    guard(childProcess.ChildProcess.prototype, 'spawn', ([opts]) => spawned(opts?.file));
    guard(cluster, 'fork', () => spawned(process.execPath));
    guard(workerThreads, 'Worker', () => 'the candidate started a worker thread');
    for (const name of ['binding', '_linkedBinding', 'dlopen']) {
      guard(process, name, () => `the candidate called process.${name}`);
    }
  }

  if (!allow.has('network')) {
    const opened = (where) => `the candidate opened a network connection${where ? `: ${where}` : ''}`;
    const endpoint = (args) => {
      const [first, second] = args;
      if (Array.isArray(first)) return endpoint(first);
      if (first && typeof first === 'object') {
        if (first.path) return String(first.path);
        return `${first.host ?? first.hostname ?? 'localhost'}:${first.port ?? ''}`;
      }
      if (typeof first === 'number') return `${typeof second === 'string' ? second : 'localhost'}:${first}`;
      return first === undefined ? '' : String(first);
    };
    guard(net.Socket.prototype, 'connect', (args) => opened(endpoint(args)));
    guard(
      net.Server.prototype,
      'listen',
      () => 'the candidate opened a network connection: a listening socket',
    );
    for (const name of ['connect', 'createConnection']) guard(net, name, (args) => opened(endpoint(args)));
    for (const module of [http, https]) {
      for (const name of ['request', 'get']) {
        guard(module, name, ([url]) =>
          opened(typeof url === 'string' || url instanceof URL ? String(url) : endpoint([url])),
        );
      }
    }
    for (const name of ['send', 'bind', 'connect']) {
      guard(dgram.Socket.prototype, name, () => opened('a datagram socket'));
    }
    for (const name of [
      'lookup',
      'resolve',
      'resolve4',
      'resolve6',
      'resolveAny',
      'reverse',
      'lookupService',
    ]) {
      guard(dns, name, ([host]) => opened(`name lookup of ${host}`));
      guard(dns.promises, name, ([host]) => opened(`name lookup of ${host}`));
    }
    guard(globalThis, 'fetch', ([url]) => opened(String(url?.url ?? url)));
  }

  if (!allow.has('file-write')) {
    const outside = (value) => {
      const path = pathOf(value);
      if (path === undefined) return undefined;
      const real = realPath(resolve(path));
      if (real === '/dev/null') return undefined;
      const inTemp = real === temp || real.startsWith(temp + sep);
      const inWorkspace = real === workspace || real.startsWith(workspace + sep);
      return inTemp && !inWorkspace
        ? undefined
        : `the candidate wrote a file outside the temp directory: ${real}`;
    };
    const firstPath = ([path]) => outside(path);
    const bothPaths = ([from, to]) => outside(from) ?? outside(to);
    const onePath = [
      'writeFile',
      'appendFile',
      'mkdir',
      'mkdtemp',
      'rm',
      'rmdir',
      'unlink',
      'truncate',
      'chmod',
      'lchmod',
      'chown',
      'lchown',
      'utimes',
      'lutimes',
      'createWriteStream',
    ];
    const twoPaths = ['rename', 'copyFile', 'cp', 'link', 'symlink'];
    for (const holder of [fs, fs.promises]) {
      for (const name of onePath) {
        guard(holder, name, firstPath);
        guard(holder, `${name}Sync`, firstPath);
      }
      for (const name of twoPaths) {
        guard(holder, name, name === 'symlink' ? ([, to]) => outside(to) : bothPaths);
        guard(holder, `${name}Sync`, name === 'symlink' ? ([, to]) => outside(to) : bothPaths);
      }
      for (const name of ['open', 'openSync']) {
        guard(holder, name, ([path, flags]) => (opensForWriting(flags) ? outside(path) : undefined));
      }
    }
  }

  // Timers a candidate sets run its code later: they run as candidate code too.
  for (const name of ['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']) {
    const real = globalThis[name];
    globalThis[name] = function (callback, ...rest) {
      if (!state.active || typeof callback !== 'function') return real.call(this, callback, ...rest);
      const wrapped = function (...args) {
        const before = state.active;
        state.active = true;
        try {
          return callback.apply(this, args);
        } finally {
          state.active = before;
        }
      };
      return real.call(this, wrapped, ...rest);
    };
  }
  syncBuiltinESMExports();
  return wire;
}

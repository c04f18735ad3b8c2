'use strict';
// Loaded by instrumented source files inside the sandbox. In record mode it captures each outermost call of the
// target while the repository's tests run: the arguments (and the receiver's own state, for methods) as they were
// before the call; what each callback passed as an argument was called with and answered, so that a replay can
// answer the same way without the test's closure; and the calls the tests then make to a function the target
// returned (factories, curried helpers), so that returned functions are compared by behaviour. In register mode it
// hands the original and the candidate to the verify runner, which loads both side by side.
// Core modules by their bare names: jest before 27 cannot resolve `node:` specifiers (immer's suites).
const fs = require('fs');
const path = require('path');
const v8 = require('v8');
const { isProxy } = require('util').types;
// Taken from the module, not the global: some test suites delete `globalThis.Buffer` (qs tests without it).
const { Buffer } = require('buffer');

const captureDir = process.env.AFTERBURNER_CAPTURE_DIR;
const maxCalls = Number(process.env.AFTERBURNER_CAPTURE_MAX_CALLS || 200);
const maxCallBytes = Number(process.env.AFTERBURNER_CAPTURE_MAX_CALL_BYTES || 1024 * 1024);
const maxTotalBytes = Number(process.env.AFTERBURNER_CAPTURE_MAX_BYTES || 32 * 1024 * 1024);
// Calls the tests make to what a recorded call returned, per call, and how deep (f(a)(b)(c) is depth 2).
const maxFollowUps = 200;
const maxFollowUpDepth = 3;
const maxCallbackCalls = 10_000;

const valueClasses = [Date, RegExp, ArrayBuffer, DataView, Error];
const typedArray = Object.getPrototypeOf(Int8Array);
const callbackKey = '__afterburnerCallback';

const instanceKey = '__afterburnerInstance';
const bufferKey = '__afterburnerBuffer';

/**
 * A copy of `value` that v8.serialize keeps faithfully: it keeps only structured-clone data, so a class instance
 * becomes a marker naming its class beside its own state (the replay rebuilds it on the class's prototype), and a
 * Buffer a marker around its bytes. Throws Unrecordable for what cannot be replayed outside the test.
 */
function encodeValue(value, copies, classes) {
  const type = typeof value;
  if (type === 'function') throw new Unrecordable('a function inside an argument');
  if (type === 'symbol') throw new Unrecordable('a symbol');
  if (value === null || type !== 'object') return value;
  if (copies.has(value)) return copies.get(value);
  // Reading through a Proxy runs its traps: an immer draft would create child drafts, a revoked one throws.
  if (isProxy(value)) throw new Unrecordable('a Proxy');
  if (Buffer.isBuffer(value)) return { [bufferKey]: new Uint8Array(value) };
  const prototype = Object.getPrototypeOf(value);
  if (value instanceof typedArray || valueClasses.some((c) => value instanceof c)) {
    if (standardPrototypes.has(prototype)) return value;
  }
  if (typeof value.then === 'function') throw new Unrecordable('a promise');
  const name = prototype?.constructor?.name;
  if (prototype === Map.prototype || prototype === Set.prototype) {
    const copy = prototype === Map.prototype ? new Map() : new Set();
    copies.set(value, copy);
    if (copy instanceof Map)
      for (const [k, v] of value) copy.set(encodeValue(k, copies, classes), encodeValue(v, copies, classes));
    else for (const v of value) copy.add(encodeValue(v, copies, classes));
    return copy;
  }
  const plain = prototype === Object.prototype || prototype === null || prototype === Array.prototype;
  if (!plain && (!name || builtinWithSlots.some((c) => value instanceof c))) {
    throw new Unrecordable(name ? `a \`${name}\` instance` : 'an object with a custom prototype');
  }
  const state =
    prototype === Array.prototype ? new Array(value.length) : prototype === null ? Object.create(null) : {};
  const copy = plain ? state : { [instanceKey]: name, state };
  if (!plain) classes.add(name);
  copies.set(value, copy);
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === 'symbol') throw new Unrecordable('a symbol-keyed property');
    if (prototype === Array.prototype && key === 'length') continue;
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor.get || descriptor.set) throw new Unrecordable('an accessor property');
    state[key] = encodeValue(descriptor.value, copies, classes);
  }
  return copy;
}

const standardPrototypes = new Set(
  [
    Date,
    RegExp,
    ArrayBuffer,
    DataView,
    Error,
    EvalError,
    RangeError,
    ReferenceError,
    SyntaxError,
    TypeError,
    URIError,
    ...[
      Int8Array,
      Uint8Array,
      Uint8ClampedArray,
      Int16Array,
      Uint16Array,
      Int32Array,
      Uint32Array,
      Float32Array,
      Float64Array,
      BigInt64Array,
      BigUint64Array,
    ],
  ].map((c) => c.prototype),
);
// Subclasses of these keep their data in internal slots that own properties do not show.
const builtinWithSlots = [
  Map,
  Set,
  Array,
  Date,
  RegExp,
  ArrayBuffer,
  DataView,
  typedArray,
  Promise,
  WeakMap,
  WeakSet,
];

class Unrecordable extends Error {}

/** The serialized copy of a value, with the names of the classes whose instances it holds. */
function snapshot(value, classes = new Set(), limit = maxCallBytes) {
  const data = v8.serialize(encodeValue(value, new Map(), classes));
  if (data.length > limit) throw new Unrecordable('arguments over the size limit');
  return data;
}

function replayable(value) {
  try {
    encodeValue(value, new Map(), new Set());
    return true;
  } catch {
    return false;
  }
}

/**
 * Appends without an options object: fs copies options with a for…in loop, which throws when the tests made an
 * inherited property read-only (qs's prototype-pollution tests do).
 */
function appendTo(file, data) {
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
  } finally {
    fs.closeSync(fd);
  }
}

function fileFor(id, suffix) {
  return path.join(captureDir, `${id.replace(/[^\w.-]+/g, '_')}.${suffix}`);
}

const refKey = '__afterburnerRef';
const maxPlaces = 100_000;

/**
 * Where each object of the arguments sits (a path of keys from the argument list), so that a callback's
 * arguments and answers that are objects from the call's input are recorded as references: the replay then
 * hands the callback's stand-in the replay's own objects and looks them up by identity, as cheaply as the real
 * callback would take them.
 */
function placesOf(args) {
  const places = new Map();
  const queue = [[args, []]];
  while (queue.length > 0 && places.size < maxPlaces) {
    const [value, place] = queue.pop();
    if (value === null || typeof value !== 'object' || places.has(value) || isProxy(value)) continue;
    places.set(value, place);
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Array.prototype && prototype !== Object.prototype && prototype !== null) continue;
    for (const key of Object.keys(value)) queue.push([value[key], [...place, key]]);
  }
  return places;
}

let depth = 0;
let recorded = 0;
let nextKey = 0;
// Test runners record from several processes into one file; pids alone can repeat.
const processKey = `${process.pid}.${process.hrtime.bigint()}`;

function skip(id, why) {
  appendTo(fileFor(id, 'skipped'), `${String(why).replace(/\n/g, ' ')}\n`);
}

/**
 * One call being recorded: the arguments as they were before it, with each function argument replaced by a
 * placeholder and by a stand-in that logs what the real callback was called with and answered.
 */
function beginCall(id, receiver, args, parent) {
  if (!captureDir || depth > 0 || (parent === undefined && recorded >= maxCalls)) return undefined;
  try {
    const file = fileFor(id, 'calls');
    if (fs.existsSync(file) && fs.statSync(file).size >= maxTotalBytes) return undefined;
    const callbacks = [];
    const classes = new Set();
    const places =
      typeof args.find((arg) => typeof arg === 'function') === 'function' ? placesOf(args) : undefined;
    const callArgs = args.map((arg) => {
      if (typeof arg !== 'function') return arg;
      callbacks.push({ calls: [], arity: arg.length, broken: undefined, places, classes });
      return logCallback(arg, callbacks[callbacks.length - 1]);
    });
    let index = -1;
    const placeholders = args.map((arg) => (typeof arg === 'function' ? { [callbackKey]: ++index } : arg));
    if (isProxy(receiver)) throw new Unrecordable('a Proxy as `this`');
    const state = receiver === undefined ? undefined : { ...receiver };
    const pre = snapshot({ args: placeholders, receiver: state }, classes);
    if (parent === undefined) recorded++;
    return {
      id,
      key: `${processKey}:${nextKey++}`,
      parent,
      pre,
      callbacks,
      classes,
      args,
      callArgs,
      followUps: 0,
    };
  } catch (error) {
    skip(id, error instanceof Unrecordable ? error.message : 'arguments that cannot be serialized');
    return undefined;
  }
}

/**
 * A Proxy, not a wrapper function: the callee sees the callback's own properties (qs merges a function's keys),
 * and restoreCallbacks can swap it back for the original in what the call returned or stored.
 */
function logCallback(fn, log) {
  return new Proxy(fn, {
    apply(target, self, args) {
      let result;
      try {
        result = Reflect.apply(target, self, args);
      } catch (error) {
        note(log, args, {
          error: { type: error?.constructor?.name ?? typeof error, message: String(error?.message ?? error) },
        });
        throw error;
      }
      note(log, args, { result });
      return result;
    },
  });
}

const maxRestored = 10_000;

/**
 * The recording must not change what the test sees: where the call returned one of its callbacks' stand-ins, or
 * stored one in its arguments or its result (plain arrays and objects, bounded), the test gets its own function.
 */
function restoreCallbacks(call, value) {
  if (call.callbacks.length === 0) return value;
  const originals = new Map(call.callArgs.map((arg, i) => [arg, call.args[i]]).filter(([a, o]) => a !== o));
  const seen = new Set();
  const queue = [value, ...call.args];
  while (queue.length > 0 && seen.size < maxRestored) {
    const holder = queue.pop();
    if (holder === null || typeof holder !== 'object' || seen.has(holder) || isProxy(holder)) continue;
    seen.add(holder);
    const prototype = Object.getPrototypeOf(holder);
    if (prototype !== Array.prototype && prototype !== Object.prototype && prototype !== null) continue;
    for (const key of Object.keys(holder)) {
      const descriptor = Object.getOwnPropertyDescriptor(holder, key);
      if (!descriptor || !('value' in descriptor)) continue;
      if (originals.has(descriptor.value) && descriptor.writable)
        holder[key] = originals.get(descriptor.value);
      else queue.push(descriptor.value);
    }
  }
  return originals.get(value) ?? value;
}

function note(log, args, answer) {
  if (log.broken) return;
  if (log.calls.length >= maxCallbackCalls) {
    log.broken = 'a callback called too often to record';
    return;
  }
  try {
    if (isProxy(answer.result)) throw new Unrecordable('a Proxy');
    if (answer.result && typeof answer.result.then === 'function')
      throw new Unrecordable('an async callback');
    const encode = (value) => {
      const place = log.places?.get(value);
      return place ? { [refKey]: place } : value;
    };
    const encoded = 'result' in answer ? { result: encode(answer.result) } : answer;
    log.calls.push(snapshot({ args: args.map(encode), answer: encoded }, log.classes));
  } catch (error) {
    log.broken =
      error instanceof Unrecordable ? `a callback's ${error.message}` : 'a callback that cannot be recorded';
  }
}

function append(id, record) {
  const payload = v8.serialize(record);
  if (payload.length > maxCallBytes) throw new Unrecordable('arguments over the size limit');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(payload.length);
  appendTo(fileFor(id, 'calls'), Buffer.concat([header, payload]));
}

function callbackLogs(call) {
  return call.callbacks.map((c) => ({ arity: c.arity, calls: c.calls }));
}

/**
 * Writes the call's record once it has settled. A call that hands the replay live values (callbacks, class
 * instances) also keeps what it returned, so that the replay can prove it reproduces the test's call before
 * the call is used as evidence.
 */
function endCall(call, settled) {
  if (!call) return;
  const broken = call.callbacks.find((c) => c.broken)?.broken;
  if (broken) return skip(call.id, broken);
  try {
    const { key, parent, member, pre } = call;
    const live = call.callbacks.length > 0 || call.classes.size > 0;
    const outcome = live ? recordedOutcome(settled, call.classes) : undefined;
    append(call.id, { key, parent, member, pre, callbacks: callbackLogs(call), outcome });
    call.written = call.callbacks.reduce((n, c) => n + c.calls.length, 0);
    noteClasses(call.id, call.classes);
  } catch (error) {
    skip(call.id, error instanceof Unrecordable ? error.message : 'arguments that cannot be serialized');
  }
}

function recordedOutcome(settled, classes) {
  if (settled.threw) return { threw: true };
  try {
    return { threw: false, result: snapshot(settled.value, classes) };
  } catch {
    return { threw: false };
  }
}

const notedClasses = new Set();

/** Class names the replay must find; the harness exposes those names from the module's scope. */
function noteClasses(id, classes) {
  const fresh = [...classes].filter((name) => !notedClasses.has(`${id}\0${name}`));
  if (fresh.length === 0) return;
  for (const name of fresh) notedClasses.add(`${id}\0${name}`);
  appendTo(fileFor(id, 'classes'), `${fresh.join('\n')}\n`);
}

/**
 * A callback given to a call can be called later, by what the call returned (`countWhere(isEven)(xs)`): after
 * each follow-up call, the callbacks' logs of the calls above it are written again, and the last copy wins.
 */
function amend(call) {
  for (let above = call; above; above = above.above) {
    if (above.written === undefined) continue;
    const total = above.callbacks.reduce((n, c) => n + c.calls.length, 0);
    if (total === above.written) continue;
    try {
      append(above.id, { amends: above.key, callbacks: callbackLogs(above) });
      above.written = total;
    } catch {
      // The first copy stays; its replay reports a callback called with arguments it never saw.
    }
  }
}

/** Records calls the tests make to a function (or an object's functions) the recorded call returned. */
function followResult(call, result, level) {
  if (!call || level >= maxFollowUpDepth) return result;
  if (typeof result === 'function' && !followed.has(result)) return follow(call, result, level, undefined);
  return result;
}

const followed = new WeakSet();

/** A Proxy, so that the returned function keeps its own properties (`debounced.cancel`, a scale's methods). */
function follow(call, fn, level, member) {
  const record = (self, args, newTarget) => {
    const child = call.followUps < maxFollowUps ? beginCall(call.id, undefined, args, call.key) : undefined;
    if (child) {
      call.followUps++;
      child.member = member;
      child.above = call;
    }
    try {
      return complete(child, () => invoke(fn, self, child ? child.callArgs : args, newTarget), level + 1);
    } finally {
      amend(call);
    }
  };
  const proxy = new Proxy(fn, {
    apply: (target, self, args) => record(self, args, undefined),
    construct: (target, args, newTarget) => record(undefined, args, newTarget === proxy ? fn : newTarget),
  });
  followed.add(proxy);
  return proxy;
}

/** Runs the call, writes its record once it has settled, and follows what it returned. */
function complete(call, run, level) {
  if (!call) return run();
  let result;
  try {
    result = run();
  } catch (error) {
    endCall(call, { threw: true });
    restoreCallbacks(call, undefined);
    throw error;
  }
  if (result && !isProxy(result) && typeof result.then === 'function') {
    result.then(
      (value) => endCall(call, { threw: false, value }),
      () => endCall(call, { threw: true }),
    );
    return result;
  }
  endCall(call, { threw: false, value: result });
  const restored = restoreCallbacks(call, result);
  // The test's own callback handed back keeps its identity: it is not followed.
  return restored === result ? followResult(call, result, level) : restored;
}

function invoke(fn, self, args, newTarget) {
  depth++;
  try {
    return newTarget ? Reflect.construct(fn, args, newTarget) : fn.apply(self, args);
  } finally {
    depth--;
  }
}

function keepShape(wrapper, fn) {
  Object.defineProperty(wrapper, 'length', { value: fn.length });
  Object.defineProperty(wrapper, 'name', { value: fn.name });
  if (fn.prototype) wrapper.prototype = fn.prototype;
  return wrapper;
}

/** A function that records each outermost call, then behaves exactly like `fn`. */
function wrap(id, fn) {
  if (typeof fn !== 'function') return fn;
  return keepShape(function (...args) {
    const call = new.target ? undefined : beginCall(id, undefined, args, undefined);
    return complete(call, () => invoke(fn, this, call ? call.callArgs : args, new.target), 0);
  }, fn);
}

/** Records calls of a method (receiver state included) by replacing it on its class or object. */
function wrapMethod(id, owner, key, own, accessor) {
  const holder = own ? owner : owner.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(holder, key);
  if (!descriptor) return;
  const slot = accessor === 'get' ? 'get' : accessor === 'set' ? 'set' : 'value';
  const fn = descriptor[slot];
  if (typeof fn !== 'function') return;
  descriptor[slot] = keepShape(function (...args) {
    const call = beginCall(id, own ? undefined : this, args, undefined);
    return complete(call, () => invoke(fn, this, call ? call.callArgs : args, undefined), 0);
  }, fn);
  Object.defineProperty(holder, key, descriptor);
}

const registry = (globalThis.__afterburnerRegistry ??= {});

function register(id, role, fn) {
  registry[role] = { kind: 'function', fn };
}

function registerMethod(id, role, owner, key, own, accessor) {
  registry[role] = { kind: 'method', owner, key, own, accessor };
}

/** Names from the module's own scope (classes its calls' arguments are instances of), for the verify runner. */
function registerScope(role, scope) {
  registry.scopes ??= {};
  registry.scopes[role] = scope;
}

module.exports = { wrap, wrapMethod, register, registerMethod, registerScope, replayable, callbackKey };
module.exports.default = module.exports;
// Preloaded while recording, for files the tests evaluate as scripts without `require` (see instrument-js.ts).
if (captureDir) globalThis.__afterburnerRecorder = module.exports;

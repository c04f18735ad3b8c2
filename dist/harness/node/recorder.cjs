'use strict';
// Loaded by instrumented source files inside the sandbox. In record mode it captures each outermost call of the
// target while the repository's tests run: the arguments (and the receiver's own state, for methods) as they were
// before the call; what each callback passed as an argument was called with and answered, so that a replay can
// answer the same way without the test's closure; and the calls the tests then make to a function the target
// returned (factories, curried helpers), so that returned functions are compared by behaviour. In register mode it
// hands the original and the candidate to the verify runner, which loads both side by side.
// Its parts: recorder-values.cjs (what the values become), recorder-callbacks.cjs (the callbacks' stand-ins),
// recorder-files.cjs (the capture files).
// Core modules by their bare names: jest before 27 cannot resolve `node:` specifiers (immer's suites).
const fs = require('fs');
const { isProxy } = require('util').types;
const { callbackKey, placesOf, replayable, snapshot, Unrecordable } = require('./recorder-values.cjs');
const { callbackLogs, logCallback, restoreCallbacks } = require('./recorder-callbacks.cjs');
const { append, appendTo, captureDir, fileFor, skip } = require('./recorder-files.cjs');

const maxCalls = Number(process.env.AFTERBURNER_CAPTURE_MAX_CALLS || 200);
const maxTotalBytes = Number(process.env.AFTERBURNER_CAPTURE_MAX_BYTES || 32 * 1024 * 1024);
// Calls the tests make to what a recorded call returned, per call, and how deep (f(a)(b)(c) is depth 2).
const maxFollowUps = 200;
const maxFollowUpDepth = 3;

let depth = 0;
let recorded = 0;
let nextKey = 0;
// Test runners record from several processes into one file; pids alone can repeat.
const processKey = `${process.pid}.${process.hrtime.bigint()}`;

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

'use strict';
// Loaded by instrumented source files inside the sandbox. In record mode it captures the arguments (and the
// receiver's own state, for methods) of each outermost call of the target while the repository's tests run; in
// register mode it hands the original and the candidate to the verify runner, which loads both side by side.
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');

const captureDir = process.env.AFTERBURNER_CAPTURE_DIR;
const maxCalls = Number(process.env.AFTERBURNER_CAPTURE_MAX_CALLS || 200);
const maxCallBytes = Number(process.env.AFTERBURNER_CAPTURE_MAX_CALL_BYTES || 1024 * 1024);
const maxTotalBytes = Number(process.env.AFTERBURNER_CAPTURE_MAX_BYTES || 32 * 1024 * 1024);

const plainPrototypes = new Set([Object.prototype, null, Array.prototype, Map.prototype, Set.prototype]);
const valueClasses = [Date, RegExp, ArrayBuffer, DataView, Error];
const typedArray = Object.getPrototypeOf(Int8Array);

/** v8.serialize keeps only structured-clone data; a class instance would come back as a plain object. */
function replayable(value, seen = new Set()) {
  const type = typeof value;
  if (type === 'function' || type === 'symbol') return false;
  if (value === null || type !== 'object') return true;
  if (seen.has(value)) return true;
  seen.add(value);
  if (value instanceof typedArray || valueClasses.some((c) => value instanceof c)) return true;
  if (!plainPrototypes.has(Object.getPrototypeOf(value))) return false;
  if (value instanceof Map) {
    for (const [k, v] of value) if (!replayable(k, seen) || !replayable(v, seen)) return false;
    return true;
  }
  if (value instanceof Set) {
    for (const v of value) if (!replayable(v, seen)) return false;
    return true;
  }
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === 'symbol') return false;
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor.get || descriptor.set || !replayable(descriptor.value, seen)) return false;
  }
  return true;
}

function fileFor(id, suffix) {
  return path.join(captureDir, `${id.replace(/[^\w.-]+/g, '_')}.${suffix}`);
}

let depth = 0;
let recorded = 0;

function skip(id) {
  fs.appendFileSync(fileFor(id, 'skipped'), 'x');
}

function record(id, receiver, args) {
  if (!captureDir || depth > 0 || recorded >= maxCalls) return;
  try {
    const file = fileFor(id, 'calls');
    const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
    if (size >= maxTotalBytes) return;
    const state = receiver === undefined ? undefined : { ...receiver };
    if (!replayable(args) || !replayable(state)) return skip(id);
    const payload = v8.serialize({ args, receiver: state });
    if (payload.length > maxCallBytes) return skip(id);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(payload.length);
    fs.appendFileSync(file, Buffer.concat([header, payload]));
    recorded++;
  } catch {
    skip(id);
  }
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
    record(id, undefined, args);
    return invoke(fn, this, args, new.target);
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
    record(id, own ? undefined : this, args);
    return invoke(fn, this, args, undefined);
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

module.exports = { wrap, wrapMethod, register, registerMethod, replayable };

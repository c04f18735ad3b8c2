'use strict';
// Loaded by recorder.cjs inside the sandbox: what a recorded call's values become. A copy that v8.serialize keeps
// faithfully (class instances and Buffers as markers), the size limit of one call, and where each object of the
// arguments sits, for the references a callback's log makes into them.
// Core modules by their bare names: jest before 27 cannot resolve `node:` specifiers (immer's suites).
const v8 = require('v8');
const { isProxy } = require('util').types;
// Taken from the module, not the global: some test suites delete `globalThis.Buffer` (qs tests without it).
const { Buffer } = require('buffer');

const maxCallBytes = Number(process.env.AFTERBURNER_CAPTURE_MAX_CALL_BYTES || 1024 * 1024);

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

module.exports = { Unrecordable, snapshot, replayable, placesOf, maxCallBytes, callbackKey, refKey };

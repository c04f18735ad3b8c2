// Runs inside the sandbox, in the verify runner: the calls recorded during the tests, read back and rebuilt for a
// replay (class instances and Buffers revived, each callback replaced by a stand-in answering from its recording).
import { createRequire } from 'node:module';
import { deserialize } from 'node:v8';
import { structurallyEqual } from './equal.mjs';
import { readFrames } from './frames.mjs';
import { plainCopier } from './plain-copy.mjs';
import { spec } from './replay-spec.mjs';
import { inputSize } from './scale-inputs.mjs';

/** The recorded top-level calls (at most spec.maxCalls), each with the calls the tests made to what it returned. */
export function readCalls(file) {
  const calls = [];
  const byKey = new Map();
  for (const record of readFrames(file)) {
    if (record.amends !== undefined) {
      const amended = byKey.get(record.amends);
      if (amended) amended.callbacks = record.callbacks;
      continue;
    }
    record.followUps = [];
    byKey.set(record.key, record);
    if (record.parent === undefined) {
      if (calls.length < spec.maxCalls) calls.push(record);
    } else {
      byKey.get(record.parent)?.followUps.push(record);
    }
  }
  return calls;
}

const callbackKey = '__afterburnerCallback';

function rebuildError({ type, message }) {
  const Type = typeof globalThis[type] === 'function' ? globalThis[type] : Error;
  return new Type(message);
}

const refKey = '__afterburnerRef';

function isMarked(value, key) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && key in value;
}

/** The object at a recorded place in the replay's own arguments. */
function at(args, place) {
  let value = args;
  for (const key of place) value = value?.[key];
  return value;
}

/**
 * A stand-in for a callback the tests passed: it answers from what the real callback answered during the
 * recorded call. The candidate may call it in another order or fewer times, but only with arguments the original
 * passed (compared on the callback's declared parameters); anything else is a behaviour change we cannot vouch for.
 * Arguments that are objects of the call's input are matched by identity through nested Maps (cheap enough not to
 * drown the function's own time); others by structural equality.
 */
function answerer({ arity, calls }, args) {
  const resolve = (value) => (isMarked(value, refKey) ? at(args, value[refKey]) : value);
  const compared = (list) => (arity > 0 ? list.slice(0, arity) : list);
  const byIdentity = new Map();
  const structural = [];
  for (const call of calls) {
    const entry = decode(call);
    const entryArgs = compared(entry.args.map(resolve));
    const answer = 'result' in entry.answer ? { result: resolve(entry.answer.result) } : entry.answer;
    const shared =
      entry.answer.result !== null &&
      typeof entry.answer.result === 'object' &&
      !isMarked(entry.answer.result, refKey);
    const item = { answer, shared };
    const plain = entryArgs.every(
      (arg, i) => arg === null || typeof arg !== 'object' || isMarked(entry.args[i], refKey),
    );
    if (!plain) {
      structural.push({ args: entryArgs, item });
      continue;
    }
    let level = byIdentity;
    for (const arg of entryArgs) {
      if (!level.has(arg)) level.set(arg, new Map());
      level = level.get(arg);
    }
    if (!level.has(leaf)) level.set(leaf, { items: [], next: 0 });
    level.get(leaf).items.push(item);
  }
  let cursor = 0;
  const respond = ({ answer, shared }) => {
    if (answer.error) throw rebuildError(answer.error);
    return shared ? structuredClone(answer.result) : answer.result;
  };
  const stub = (...given) => {
    const key = compared(given);
    let level = byIdentity;
    for (const arg of key) level = level?.get(arg);
    const found = level?.get(leaf);
    if (found) {
      const item = found.items[found.next % found.items.length];
      found.next++;
      return respond(item);
    }
    for (let n = 0; n < structural.length; n++) {
      const i = (cursor + n) % structural.length;
      if (!structurallyEqual(structural[i].args, key)) continue;
      cursor = i + 1;
      return respond(structural[i].item);
    }
    stub.unseen ??= given;
    throw new Error('afterburner: the callback was called with arguments the original never passed');
  };
  return stub;
}

const leaf = Symbol('answers');

const instanceKey = '__afterburnerInstance';
const bufferKey = '__afterburnerBuffer';
const requireFromHere = createRequire(import.meta.url);

/**
 * The class an argument was an instance of, by name: from the scope of the loaded module copies (the harness
 * exposes the recorded names there), else a global (URL…), else an export of an already loaded CommonJS module.
 */
function findClass(name) {
  for (const scope of Object.values(globalThis.__afterburnerRegistry?.scopes ?? {})) {
    if (typeof scope?.[name] === 'function') return scope[name];
  }
  if (typeof globalThis[name] === 'function') return globalThis[name];
  for (const module of Object.values(requireFromHere.cache)) {
    const exported = module?.exports;
    if (typeof exported === 'function' && exported.name === name) return exported;
    if (exported && typeof exported[name] === 'function' && exported[name].prototype) return exported[name];
  }
  return undefined;
}

/** Rebuilds the class instances and Buffers a deserialized record marks, in place. */
function revive(value, seen = new Map()) {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (isMarked(value, bufferKey)) return Buffer.from(value[bufferKey]);
  if (isMarked(value, instanceKey)) {
    const Class = findClass(value[instanceKey]);
    if (!Class) throw new Error(`afterburner: class \`${value[instanceKey]}\` not found for the replay`);
    const instance = Object.create(Class.prototype);
    seen.set(value, instance);
    for (const key of Object.keys(value.state)) {
      Object.defineProperty(instance, key, {
        value: revive(value.state[key], seen),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return instance;
  }
  seen.set(value, value);
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => [revive(k, seen), revive(v, seen)]);
    value.clear();
    for (const [k, v] of entries) value.set(k, v);
  } else if (value instanceof Set) {
    const items = [...value].map((v) => revive(v, seen));
    value.clear();
    for (const v of items) value.add(v);
  } else {
    for (const key of Object.keys(value)) value[key] = revive(value[key], seen);
  }
  return value;
}

export function decode(data) {
  return revive(deserialize(data));
}

// Per recorded call: how to make a fresh copy of its arguments without deserializing them again (null: no way).
const copiers = new WeakMap();
function freshArguments(record) {
  let copier = copiers.get(record);
  if (copier === undefined) {
    copier = plainCopier(deserialize(record.pre), [instanceKey, bufferKey, refKey]) ?? null;
    copiers.set(record, copier);
  }
  return copier ? copier() : decode(record.pre);
}

/** A recorded call's arguments, with each callback placeholder replaced by its stand-in. */
export function materialize(record) {
  const { args, receiver } = freshArguments(record);
  const stubs = record.callbacks.map((log) => answerer(log, args));
  const live = args.map((arg) => (isMarked(arg, callbackKey) ? stubs[arg[callbackKey]] : arg));
  return { args: live, receiver, stubs };
}

export function unseenCallback(stubs) {
  return stubs.find((stub) => stub.unseen)?.unseen;
}

/** Input size of a recorded call (its largest collection argument); 0 when it holds none or cannot be read. */
export function recordedSize(record) {
  try {
    const { args } = deserialize(record.pre);
    return Array.isArray(args) ? inputSize(args) : 0;
  } catch {
    return 0;
  }
}

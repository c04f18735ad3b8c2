'use strict';
// Loaded by recorder.cjs inside the sandbox: the callbacks a recorded call was given, each replaced for the call
// by a stand-in that logs what the real callback was called with and answered, and swapped back afterwards.
// Core modules by their bare names: jest before 27 cannot resolve `node:` specifiers (immer's suites).
const { isProxy } = require('util').types;
const { Unrecordable, snapshot, refKey } = require('./recorder-values.cjs');

const maxCallbackCalls = 10_000;

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

function callbackLogs(call) {
  return call.callbacks.map((c) => ({ arity: c.arity, calls: c.calls }));
}

module.exports = { logCallback, restoreCallbacks, callbackLogs };

// Runs inside the sandbox, in the verify runner: one replay of a recorded call on one side, with what it returned,
// threw and left in its arguments, compared with the other side's.
import { inspect } from 'node:util';
import { structurallyEqual } from './equal.mjs';
import { decode, materialize, unseenCallback } from './recorded-calls.mjs';
import { resetEnvironment } from './replay-environment.mjs';
import { spec } from './replay-spec.mjs';

export function show(value) {
  return inspect(value, {
    depth: 4,
    breakLength: Infinity,
    compact: true,
    maxArrayLength: 12,
    maxStringLength: 120,
  }).slice(0, 500);
}

export function invoker(entry, record) {
  const { args, receiver, stubs } = materialize(record);
  if (entry.kind === 'function') return { args, stubs, self: undefined, call: () => entry.fn(...args) };
  const holder = entry.own ? entry.owner : entry.owner.prototype;
  const self = entry.own ? entry.owner : Object.assign(Object.create(entry.owner.prototype), receiver);
  const descriptor = Object.getOwnPropertyDescriptor(holder, entry.key);
  if (entry.accessor === 'get') return { args, stubs, self, call: () => descriptor.get.call(self) };
  if (entry.accessor === 'set') return { args, stubs, self, call: () => descriptor.set.call(self, args[0]) };
  return { args, stubs, self, call: () => descriptor.value.apply(self, args) };
}

function describeError(error) {
  return { type: error?.constructor?.name ?? typeof error, message: String(error?.message ?? error) };
}

/** Replays the calls the tests made to a function (or an object's method) that a call returned. */
async function followUps(value, records) {
  const outcomes = [];
  for (const record of records) {
    const fn = record.member === undefined ? value : value?.[record.member];
    const { args, stubs } = materialize(record);
    const input = show(args);
    let result;
    try {
      if (typeof fn !== 'function') throw new TypeError('what it returned is not a function');
      result = { value: await settle(fn.apply(record.member === undefined ? undefined : value, args)), args };
    } catch (error) {
      result = { error: describeError(error), args };
    }
    result.input = input;
    const unseen = unseenCallback(stubs);
    if (unseen) result.callback = unseen;
    if (record.followUps.length > 0 && !result.error)
      result.followUps = await followUps(result.value, record.followUps);
    outcomes.push(result);
  }
  return outcomes;
}

export async function settle(value) {
  if (value && typeof value.then === 'function') value = await value;
  if (spec.generator && value && typeof value.next === 'function') {
    const items = [];
    for (let step = await value.next(); !step.done && items.length < 10_000; step = await value.next())
      items.push(step.value);
    return items;
  }
  return value;
}

export async function outcome(entry, record) {
  const { args, self, call, stubs } = invoker(entry, record);
  resetEnvironment();
  let result;
  try {
    result = { value: await settle(call()), args, self: entry.own ? undefined : self };
  } catch (error) {
    result = { error: describeError(error), args };
  }
  const unseen = unseenCallback(stubs);
  if (unseen) result.callback = unseen;
  if (record.followUps.length > 0 && !result.error)
    result.followUps = await followUps(result.value, record.followUps);
  return result;
}

/** How two outcomes differ, and the (follow-up) outcomes where they do; undefined when they agree. */
export function difference(a, b) {
  const at = (what) => ({ what, a, b });
  if (a.callback || b.callback) return at('callback calls');
  if (a.error || b.error) {
    if (!a.error || !b.error) return at('thrown error');
    return a.error.type === b.error.type && a.error.message === b.error.message
      ? undefined
      : at('thrown error');
  }
  if (!structurallyEqual(a.value, b.value)) return at('return value');
  if (!structurallyEqual(a.args, b.args)) return at('argument mutation');
  if (!structurallyEqual(a.self, b.self)) return at('receiver state');
  for (const [i, next] of (a.followUps ?? []).entries()) {
    const inner = difference(next, b.followUps?.[i] ?? { error: { type: 'missing', message: '' } });
    if (inner)
      return {
        ...inner,
        what: `${inner.what} when the function it returned was called (follow-up call ${i + 1})`,
      };
  }
  return undefined;
}

export function describe(o) {
  if (o.callback) return `calls a callback with ${show(o.callback)}, which the original never did`;
  return o.error ? `throws ${o.error.type}: ${o.error.message}` : show(o.value);
}

// A call on which the original itself asks a callback something the recording never saw (a callback called
// after the test moved on, or not by the target) cannot be replayed faithfully: it is left out.
// A call replayed with live values (callbacks answered from a recording, class instances rebuilt from their
// state) is evidence only if the original, replayed, ends as it did in the test: same error or same value.
export function faithful(record, replayed) {
  if (replayed.callback) return false;
  if (!record.outcome) return true;
  if (record.outcome.threw !== Boolean(replayed.error)) return false;
  if (!record.outcome.result) return true;
  try {
    return structurallyEqual(decode(record.outcome.result), replayed.value);
  } catch {
    return false;
  }
}

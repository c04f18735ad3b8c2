// Runs inside the sandbox. Replays the calls captured during the repository's tests on the original and on the
// candidate, loaded side by side in this process: checks the original is deterministic (seeded randomness and
// time), that the candidate matches it on every call (value, error, argument and receiver mutation), then times
// both in interleaved rounds. Usage: node verify-runner.mjs SPEC.json → one `AFTERBURNER_RESULT {json}` line.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { deserialize } from 'node:v8';
import { structurallyEqual } from './equal.mjs';
import { readFrames } from './frames.mjs';
import { deriveGeneratedCalls } from './generated-calls.mjs';
import { plainCopier } from './plain-copy.mjs';
import { inputSize } from './scale-inputs.mjs';
import { deriveScaledCalls } from './scaled-calls.mjs';
import { measureInterleaved } from './timing-protocol.mjs';
import { installTripwire } from './tripwire.mjs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// Installed before any module loads, so that names they import from guarded modules are the guarded ones.
const tripwire = installTripwire(spec.tripwire);

function finish(result) {
  process.stdout.write(`\nAFTERBURNER_RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

/** Ends the run if the candidate tried a side effect its original does not have. */
function checkTripwire() {
  if (tripwire.tripped) finish({ status: 'tripwire', message: tripwire.tripped });
}

/** Runs candidate code with the tripwire watching; the original's own calls stay unwatched. */
function asRole(entry, fn) {
  return entry.role === 'candidate' ? tripwire.during(fn) : fn();
}

function show(value) {
  return inspect(value, {
    depth: 4,
    breakLength: Infinity,
    compact: true,
    maxArrayLength: 12,
    maxStringLength: 120,
  }).slice(0, 500);
}

/** The recorded top-level calls (at most spec.maxCalls), each with the calls the tests made to what it returned. */
function readCalls(file) {
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

function decode(data) {
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
function materialize(record) {
  const { args, receiver } = freshArguments(record);
  const stubs = record.callbacks.map((log) => answerer(log, args));
  const live = args.map((arg) => (isMarked(arg, callbackKey) ? stubs[arg[callbackKey]] : arg));
  return { args: live, receiver, stubs };
}

function unseenCallback(stubs) {
  return stubs.find((stub) => stub.unseen)?.unseen;
}

// Seeded randomness and a clock that advances 1 ms per reading, reset before every call.
const realDate = Date;
let randomState = 1;
let clock = 0;
function resetEnvironment() {
  randomState = spec.seed >>> 0 || 1;
  clock = 1_700_000_000_000;
}
Math.random = () => {
  randomState = (Math.imul(randomState, 1664525) + 1013904223) >>> 0;
  return randomState / 4294967296;
};
const now = () => ++clock;
realDate.now = now;
// A Proxy keeps `instanceof Date` true for dates made before this point (e.g. deserialized arguments).
globalThis.Date = new Proxy(realDate, {
  construct: (target, args, newTarget) =>
    Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
});
// Node 18 makes performance.now a read-only accessor; define it instead of assigning.
Object.defineProperty(performance, 'now', {
  value: () => now() - 1_700_000_000_000,
  configurable: true,
  writable: true,
});

async function load(role, path) {
  await import(pathToFileURL(resolve(path)).href);
  const entry = globalThis.__afterburnerRegistry?.[role];
  if (!entry) throw new Error(`${path} did not register the ${role} function`);
  return { ...entry, role };
}

function invoker(entry, record) {
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

async function settle(value) {
  if (value && typeof value.then === 'function') value = await value;
  if (spec.generator && value && typeof value.next === 'function') {
    const items = [];
    for (let step = await value.next(); !step.done && items.length < 10_000; step = await value.next())
      items.push(step.value);
    return items;
  }
  return value;
}

async function outcome(entry, record) {
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
function difference(a, b) {
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

function describe(o) {
  if (o.callback) return `calls a callback with ${show(o.callback)}, which the original never did`;
  return o.error ? `throws ${o.error.type}: ${o.error.message}` : show(o.value);
}

/** Follow-up calls with their arguments decoded ahead of time, so that decoding is not timed. */
function prepareFollowUps(records) {
  return records.map((record) => ({
    member: record.member,
    args: materialize(record).args,
    followUps: prepareFollowUps(record.followUps),
  }));
}

async function runFollowUps(value, prepared) {
  for (const next of prepared) {
    const fn = next.member === undefined ? value : value?.[next.member];
    const result = await settle(fn.apply(next.member === undefined ? undefined : value, next.args));
    if (next.followUps.length > 0) await runFollowUps(result, next.followUps);
  }
}

/** One replay of a recorded call and of the calls made to what it returned, for timing (nothing compared). */
function timedCall(entry, record) {
  const { call } = invoker(entry, record);
  const followUps = prepareFollowUps(record.followUps);
  // A plain synchronous call is timed as it is: going through an async wrapper would add a promise and a
  // microtask per call, more than a tiny call costs, and that overhead varies from batch to batch.
  if (followUps.length === 0) return spec.generator ? () => settle(call()) : call;
  return async () => runFollowUps(await settle(call()), followUps);
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

/** Input size of a recorded call (its largest collection argument); 0 when it holds none or cannot be read. */
function recordedSize(record) {
  try {
    const { args } = deserialize(record.pre);
    return Array.isArray(args) ? inputSize(args) : 0;
  } catch {
    return 0;
  }
}

function isThenable(value) {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof value.then === 'function'
  );
}

async function runBatch(entry, records, repeats) {
  const calls = [];
  for (let r = 0; r < repeats; r++) {
    for (const record of records) {
      try {
        calls.push(timedCall(entry, record));
      } catch {
        // A call whose live values cannot be rebuilt (the prepare step left such calls out).
      }
    }
  }
  // Unpacking the round's arguments made garbage; collected now, it is not charged to whichever side runs next.
  // A full collection: with minor ones only, the old generation's marking later lands in timed batches, and the
  // A/A floor of a 40 ns call rose from about 1.05× to 1.15–1.2× (bench:noise).
  globalThis.gc?.();
  const start = process.hrtime.bigint();
  for (const call of calls) {
    try {
      const returned = call();
      if (isThenable(returned)) await returned;
    } catch {
      // Thrown errors are part of the behaviour being timed; the differential check compared them.
    }
  }
  return Number(process.hrtime.bigint() - start);
}

/**
 * The memory pass's replay: each call's fresh arguments are built just before it runs, not all up front as a timed
 * batch builds them, so the peak the sandbox samples is the function's own, not thousands of argument copies.
 */
async function replayEach(entry, records, repeats) {
  for (let r = 0; r < repeats; r++) {
    for (const record of records) {
      try {
        const returned = timedCall(entry, record)();
        if (isThenable(returned)) await returned;
      } catch {
        // As in runBatch: unrebuildable calls were left out, and thrown errors are behaviour.
      }
    }
  }
}

// Memory pass: one side alone in this process, its calls replayed a fixed number of times, so that the sandbox's
// peak-memory and memory-time measurements of the whole process belong to that side only.
const memoryRole = process.argv[3] === '--memory' ? process.argv[4] : undefined;
if (memoryRole) {
  try {
    const entry = await load(memoryRole, memoryRole === 'original' ? spec.original : spec.candidate);
    const calls = readCalls(spec.captureFile);
    await asRole(entry, () => replayEach(entry, calls, spec.memoryRepeats));
    checkTripwire();
    finish({ status: 'memory', calls: calls.length, repeats: spec.memoryRepeats });
  } catch (error) {
    finish({ status: 'error', message: String(error?.stack ?? error).slice(0, 2000) });
  }
}

let original;
let candidate;
try {
  original = await load('original', spec.original);
  candidate = spec.candidate ? await load('candidate', spec.candidate) : undefined;
} catch (error) {
  finish({ status: 'error', message: String(error?.stack ?? error).slice(0, 2000) });
}
const calls = readCalls(spec.captureFile);
if (calls.length === 0) finish({ status: 'no-calls' });

// A call on which the original itself asks a callback something the recording never saw (a callback called
// after the test moved on, or not by the target) cannot be replayed faithfully: it is left out.
// A call replayed with live values (callbacks answered from a recording, class instances rebuilt from their
// state) is evidence only if the original, replayed, ends as it did in the test: same error or same value.
function faithful(record, replayed) {
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

const replayable = [];
for (const record of calls) {
  try {
    if (faithful(record, await outcome(original, record))) replayable.push(record);
  } catch {
    // A class the replay cannot find: the call is left out.
  }
}
const unreplayable = calls.length - replayable.length;
calls.splice(0, calls.length, ...replayable);
if (calls.length === 0) finish({ status: 'no-calls', unreplayable });

for (const [i, record] of calls.entries()) {
  const first = await outcome(original, record);
  const second = await outcome(original, record);
  const differs = difference(first, second);
  if (differs)
    finish({
      status: 'non-deterministic',
      call: i,
      what: differs.what,
      first: describe(differs.a),
      second: describe(differs.b),
    });
}
if (!candidate) finish({ status: 'deterministic', calls: calls.length, unreplayable });

for (const [i, record] of calls.entries()) {
  const expected = await outcome(original, record);
  const actual = await asRole(candidate, () => outcome(candidate, record));
  checkTripwire();
  const differs = difference(expected, actual);
  if (differs) {
    const { what, a, b } = differs;
    const input = a.input ?? show(materialize(record).args);
    const after = what.startsWith('argument mutation')
      ? ` (arguments after the call: expected ${show(a.args)}, got ${show(b.args)})`
      : '';
    finish({ status: 'mismatch', call: i, what, input, expected: describe(a), actual: describe(b) + after });
  }
}

// Larger inputs derived from the recorded calls: the candidate must match the original on them too, and both are
// timed at each scale as on the tests' own inputs.
const scaled = spec.scale
  ? await deriveScaledCalls({ calls, scale: spec.scale, original, outcome, difference })
  : { scales: [], notes: [] };
// Inputs the model's generator wrote (plain data, made in a process of their own), checked and timed the same way.
if (spec.workload) {
  const generated = await deriveGeneratedCalls({ workload: spec.workload, original, outcome, difference });
  scaled.scales.push(...generated.scales);
  scaled.notes.push(...generated.notes);
}
const scaleLabel = ({ factor, source }) => (source === 'model' ? `model n = ${factor}` : `×${factor}`);
for (const [at, { factor, source, calls: grown }] of scaled.scales.entries()) {
  let slowestNs = 0;
  scaled.scales[at].passNs = 0;
  for (const { record, index, n } of grown) {
    const before = process.hrtime.bigint();
    const expected = await outcome(original, record);
    const started = process.hrtime.bigint();
    const actual = await asRole(candidate, () => outcome(candidate, record));
    const candidateNs = Number(process.hrtime.bigint() - started);
    slowestNs = Math.max(slowestNs, candidateNs);
    scaled.scales[at].passNs += Math.max(candidateNs, Number(started - before));
    checkTripwire();
    const differs = difference(expected, actual);
    if (differs) {
      const { what, a, b } = differs;
      finish({
        status: 'mismatch',
        call: index,
        scale: factor,
        size: n,
        ...(source ? { source } : {}),
        what,
        input: show(materialize(record).args),
        expected: describe(a),
        actual: describe(b),
      });
    }
  }
  // A candidate far slower than the budget would take minutes to time here: the scales below show enough.
  if (slowestNs > 10 * (spec.scale ?? spec.workload).budgetNs && at > 0) {
    const larger = scaled.scales.splice(at).map(scaleLabel);
    scaled.notes.push(
      `${larger.join(', ')}: not timed, the candidate took ${(slowestNs / 1e6).toFixed(0)} ms on one call there`,
    );
    break;
  }
}

function timeCalls(list) {
  return async (entry, repeats) => {
    const ns = await asRole(entry, () => runBatch(entry, list, repeats));
    checkTripwire();
    return ns;
  };
}

const measure = (list, protocol) =>
  measureInterleaved({
    original,
    candidate,
    spec: protocol,
    callCount: list.length,
    timeBatch: timeCalls(list),
  });
const own = await measure(calls, spec);
// Grown calls last far longer than the clock's resolution and vary less: fewer rounds settle their interval, and
// the slower side's pass (seen in the check above) bounds how many fit in the measuring budget.
const scaleProtocol = (passNs) => ({
  ...spec,
  rounds: Math.max(6, Math.min(spec.rounds, 15, Math.floor((spec.budgetNs ?? 0) / (2 * passNs)))),
  warmupRounds: passNs > 10e6 ? 1 : spec.warmupRounds,
  budgetNs: (spec.budgetNs ?? 0) / 2,
});
const scales = [];
for (const { factor, source, calls: grown, passNs } of scaled.scales) {
  const records = grown.map((g) => g.record);
  const sizes = grown.map((g) => g.n);
  const timing = await measure(records, scaleProtocol(passNs));
  const row = { factor, calls: records.length, n: Math.max(...sizes), meanN: mean(sizes), ...timing };
  scales.push(source ? { ...row, source } : row);
}
finish({
  status: 'measured',
  calls: calls.length,
  n: Math.max(0, ...calls.map(recordedSize)),
  ...own,
  scales,
  scaleNotes: scaled.notes,
});

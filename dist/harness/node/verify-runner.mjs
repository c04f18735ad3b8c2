// Runs inside the sandbox. Replays the calls captured during the repository's tests on the original and on the
// candidate, loaded side by side in this process: checks the original is deterministic (seeded randomness and
// time), that the candidate matches it on every call (value, error, argument and receiver mutation), then times
// both in interleaved rounds. Usage: node verify-runner.mjs SPEC.json → one `AFTERBURNER_RESULT {json}` line.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { deserialize } from 'node:v8';
import { structurallyEqual } from './equal.mjs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));

function finish(result) {
  process.stdout.write(`\nAFTERBURNER_RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
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

function readCalls(file) {
  let buffer;
  try {
    buffer = readFileSync(file);
  } catch {
    return [];
  }
  const calls = [];
  for (let at = 0; at + 4 <= buffer.length && calls.length < spec.maxCalls; ) {
    const size = buffer.readUInt32LE(at);
    calls.push(buffer.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  return calls;
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
  return entry;
}

function invoker(entry, payload) {
  const { args, receiver } = deserialize(payload);
  if (entry.kind === 'function') return { args, self: undefined, call: () => entry.fn(...args) };
  const holder = entry.own ? entry.owner : entry.owner.prototype;
  const self = entry.own ? entry.owner : Object.assign(Object.create(entry.owner.prototype), receiver);
  const descriptor = Object.getOwnPropertyDescriptor(holder, entry.key);
  if (entry.accessor === 'get') return { args, self, call: () => descriptor.get.call(self) };
  if (entry.accessor === 'set') return { args, self, call: () => descriptor.set.call(self, args[0]) };
  return { args, self, call: () => descriptor.value.apply(self, args) };
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

async function outcome(entry, payload) {
  const { args, self, call } = invoker(entry, payload);
  resetEnvironment();
  try {
    return { value: await settle(call()), args, self: entry.own ? undefined : self };
  } catch (error) {
    return {
      error: { type: error?.constructor?.name ?? typeof error, message: String(error?.message ?? error) },
      args,
    };
  }
}

function difference(a, b) {
  if (a.error || b.error) {
    if (!a.error || !b.error) return 'thrown error';
    return a.error.type === b.error.type && a.error.message === b.error.message ? undefined : 'thrown error';
  }
  if (!structurallyEqual(a.value, b.value)) return 'return value';
  if (!structurallyEqual(a.args, b.args)) return 'argument mutation';
  if (!structurallyEqual(a.self, b.self)) return 'receiver state';
  return undefined;
}

function describe(o) {
  return o.error ? `throws ${o.error.type}: ${o.error.message}` : show(o.value);
}

async function runBatch(entry, payloads, repeats) {
  const calls = [];
  for (let r = 0; r < repeats; r++) for (const p of payloads) calls.push(invoker(entry, p).call);
  const start = process.hrtime.bigint();
  for (const call of calls) {
    try {
      await settle(call());
    } catch {
      // Thrown errors are part of the behaviour being timed; the differential check compared them.
    }
  }
  return Number(process.hrtime.bigint() - start);
}

// Memory pass: one side alone in this process, its calls replayed a fixed number of times, so that the sandbox's
// peak-memory and memory-time measurements of the whole process belong to that side only.
const memoryRole = process.argv[3] === '--memory' ? process.argv[4] : undefined;
if (memoryRole) {
  try {
    const entry = await load(memoryRole, memoryRole === 'original' ? spec.original : spec.candidate);
    const calls = readCalls(spec.captureFile);
    await runBatch(entry, calls, spec.memoryRepeats);
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

for (const [i, payload] of calls.entries()) {
  const first = await outcome(original, payload);
  const second = await outcome(original, payload);
  const differs = difference(first, second);
  if (differs)
    finish({
      status: 'non-deterministic',
      call: i,
      what: differs,
      first: describe(first),
      second: describe(second),
    });
}
if (!candidate) finish({ status: 'deterministic', calls: calls.length });

for (const [i, payload] of calls.entries()) {
  const expected = await outcome(original, payload);
  const actual = await outcome(candidate, payload);
  const differs = difference(expected, actual);
  if (differs) {
    const input = show(deserialize(payload).args);
    const after =
      differs === 'argument mutation'
        ? ` (arguments after the call: expected ${show(expected.args)}, got ${show(actual.args)})`
        : '';
    finish({
      status: 'mismatch',
      call: i,
      what: differs,
      input,
      expected: describe(expected),
      actual: describe(actual) + after,
    });
  }
}

// Batch tiny calls so that one round lasts long enough for the clock to resolve it.
let repeats = 1;
while (repeats < 100_000 && (await runBatch(original, calls, repeats)) < spec.minRoundNs) repeats *= 2;
let order = spec.seed >>> 0 || 1;
const originalNs = [];
const candidateNs = [];
for (let round = 0; round < spec.warmupRounds + spec.rounds; round++) {
  order = (Math.imul(order, 1103515245) + 12345) >>> 0;
  const originalFirst = (order & 0x10000) === 0;
  const first = await runBatch(originalFirst ? original : candidate, calls, repeats);
  const second = await runBatch(originalFirst ? candidate : original, calls, repeats);
  if (round < spec.warmupRounds) continue;
  originalNs.push((originalFirst ? first : second) / repeats);
  candidateNs.push((originalFirst ? second : first) / repeats);
}
finish({ status: 'measured', calls: calls.length, repeats, originalNs, candidateNs });

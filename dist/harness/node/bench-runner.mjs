// Runs inside the sandbox. Loads the original and the candidate module side by side, checks that they agree on
// every benchmark input (return value, thrown error, argument mutation), then times them in interleaved rounds.
// Usage: node bench-runner.mjs SPEC.json — prints one line `AFTERBURNER_RESULT {json}` on stdout.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect, isDeepStrictEqual } from 'node:util';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const marker = 'AFTERBURNER_RESULT ';

function finish(result) {
  process.stdout.write(`\n${marker}${JSON.stringify(result)}\n`);
  process.exit(0);
}

function show(value) {
  return inspect(value, { depth: 4, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 200 }).slice(
    0,
    600,
  );
}

async function load(path, exportName) {
  const module = await import(pathToFileURL(resolve(path)).href);
  const fn = module[exportName] ?? module.default?.[exportName];
  if (typeof fn !== 'function') throw new Error(`${path} does not export a function named ${exportName}`);
  return fn;
}

async function outcomeOf(fn, args) {
  try {
    let value = fn(...args);
    if (value && typeof value.then === 'function') value = await value;
    return { value, args };
  } catch (error) {
    return { error: { name: error?.name, message: error?.message }, args };
  }
}

function sameOutcome(a, b) {
  if (a.error || b.error) return isDeepStrictEqual(a.error, b.error);
  return isDeepStrictEqual(a.value, b.value) && isDeepStrictEqual(a.args, b.args);
}

async function runBatch(fn, argLists, repeats) {
  const start = process.hrtime.bigint();
  for (let r = 0; r < repeats; r++) {
    for (const args of argLists) {
      try {
        const value = fn(...args);
        if (value && typeof value.then === 'function') await value;
      } catch {
        // Errors are part of the behaviour being timed; the differential check already compared them.
      }
    }
  }
  return Number(process.hrtime.bigint() - start);
}

// Seeded so that the A/B order of rounds is the same on every run.
function orderRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

let original;
let candidate;
let makeInputs;
try {
  original = await load(spec.original, spec.exportName);
  candidate = await load(spec.candidate, spec.exportName);
  const inputs = (await import(pathToFileURL(resolve(spec.inputs)).href)).default ?? {};
  makeInputs = inputs[spec.key];
} catch (error) {
  finish({ status: 'error', message: String(error?.stack ?? error).slice(0, 2000) });
}
if (typeof makeInputs !== 'function')
  finish({ status: 'no-inputs', message: `no benchmark inputs for ${spec.key}` });

const expectedCalls = makeInputs();
const actualCalls = makeInputs();
for (let i = 0; i < expectedCalls.length; i++) {
  const expected = await outcomeOf(original, expectedCalls[i]);
  const actual = await outcomeOf(candidate, actualCalls[i]);
  if (!sameOutcome(expected, actual)) {
    finish({
      status: 'mismatch',
      call: i,
      input: show(makeInputs()[i]),
      expected: show(expected.error ? { threw: expected.error } : expected.value),
      actual: show(actual.error ? { threw: actual.error } : actual.value),
      argumentsAfter: expected.error || actual.error ? undefined : [show(expected.args), show(actual.args)],
    });
  }
}

const argsA = makeInputs();
const argsB = makeInputs();
// Batch tiny calls so that one round lasts long enough for the clock to resolve it.
let repeats = 1;
while (repeats < 1_000_000 && (await runBatch(original, argsA, repeats)) < spec.minRoundNs) repeats *= 2;

const random = orderRandom(spec.seed ?? 1);
const originalNs = [];
const candidateNs = [];
for (let round = 0; round < spec.warmupRounds + spec.rounds; round++) {
  const originalFirst = random() < 0.5;
  const first = await runBatch(originalFirst ? original : candidate, originalFirst ? argsA : argsB, repeats);
  const second = await runBatch(originalFirst ? candidate : original, originalFirst ? argsB : argsA, repeats);
  if (round < spec.warmupRounds) continue;
  originalNs.push((originalFirst ? first : second) / repeats);
  candidateNs.push((originalFirst ? second : first) / repeats);
}
finish({
  status: 'measured',
  calls: expectedCalls.length,
  repeats,
  originalNs,
  candidateNs,
  node: process.version,
});

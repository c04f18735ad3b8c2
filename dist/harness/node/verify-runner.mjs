// Runs inside the sandbox. Replays the calls captured during the repository's tests on the original and on the
// candidate, loaded side by side in this process: checks the original is deterministic (seeded randomness and
// time), that the candidate matches it on every call (value, error, argument and receiver mutation), then times
// both in interleaved rounds. Usage: node verify-runner.mjs SPEC.json → one `AFTERBURNER_RESULT {json}` line.
// The runner's parts: recorded-calls.mjs (reading and rebuilding the recorded calls), replay-outcome.mjs (one
// replay, compared), timed-replay.mjs (replays for timing and for the memory pass).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deriveGeneratedCalls } from './generated-calls.mjs';
import { countPasses } from './instruction-passes.mjs';
import { measureMemory } from './memory-protocol.mjs';
import { materialize, readCalls, recordedSize } from './recorded-calls.mjs';
import { installReplayEnvironment } from './replay-environment.mjs';
import { describe, difference, faithful, outcome, show } from './replay-outcome.mjs';
import { spec } from './replay-spec.mjs';
import { deriveScaledCalls, sameCallsAtEveryScale } from './scaled-calls.mjs';
import { replayEach, runBatch, timedCall, timeOnce } from './timed-replay.mjs';
import { measureInterleaved, medianRatio } from './timing-protocol.mjs';
import { installTripwire } from './tripwire.mjs';

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

installReplayEnvironment();

async function load(role, path) {
  await import(pathToFileURL(resolve(path)).href);
  const entry = globalThis.__afterburnerRegistry?.[role];
  if (!entry) throw new Error(`${path} did not register the ${role} function`);
  return { ...entry, role };
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

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

// Count pass: one side alone, under callgrind (instruction-passes.mjs); the counts are read from its dumps.
const countRole = process.argv[3] === '--count' ? process.argv[4] : undefined;
if (countRole) {
  try {
    const entry = await load(countRole, countRole === 'original' ? spec.original : spec.candidate);
    const calls = [];
    for (const record of readCalls(spec.captureFile)) {
      try {
        if (faithful(record, await outcome(entry, record))) calls.push(record);
      } catch {
        // As in the check below: a call the replay cannot rebuild is left out.
      }
    }
    const { countWarmup: warmup, countPasses: passes } = spec;
    await countPasses({ entry, calls, warmup, passes, watch: tripwire.watch });
    checkTripwire();
    finish({ status: 'counted', calls: calls.length, passes: spec.countPasses });
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
  ? await deriveScaledCalls({
      calls,
      scale: spec.scale,
      original,
      outcome,
      difference,
      callNs: (record) => timeOnce(original, record),
    })
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
  for (const entry of grown) {
    const { record, index, n } = entry;
    const before = process.hrtime.bigint();
    const expected = await outcome(original, record);
    const started = process.hrtime.bigint();
    const actual = await asRole(candidate, () => outcome(candidate, record));
    const candidateNs = Number(process.hrtime.bigint() - started);
    slowestNs = Math.max(slowestNs, candidateNs);
    entry.passNs = Math.max(candidateNs, Number(started - before));
    scaled.scales[at].passNs += entry.passNs;
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
scaled.scales = sameCallsAtEveryScale(scaled.scales, scaled.notes);

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
    passBytes: list.reduce((bytes, record) => bytes + recordBytes(record), 0),
    timeBatch: timeCalls(list),
  });
function recordBytes(record) {
  return (
    (record.pre?.length ?? 0) + (record.followUps ?? []).reduce((bytes, next) => bytes + recordBytes(next), 0)
  );
}
// Per-call memory on a spread of at most spec.memoryCalls of the calls (every call costs collections).
async function memoryOf(list) {
  if (!spec.memoryRounds) return undefined;
  const step = Math.max(1, list.length / (spec.memoryCalls ?? list.length));
  const records = [];
  for (let i = 0; i < list.length && records.length < (spec.memoryCalls ?? list.length); i += step)
    records.push(list[Math.floor(i)]);
  const memory = await measureMemory({
    original,
    candidate,
    records,
    rounds: spec.memoryRounds,
    seed: spec.seed,
    prepare: timedCall,
    during: async (entry, fn) => {
      const measured = await asRole(entry, fn);
      checkTripwire();
      return measured;
    },
  });
  return { calls: records.length, ...memory };
}

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
// Memory on the tests' own calls and at the scale a verdict rests on (the largest n) only: each measured call
// costs several collections. spec.memoryWhenFaster: only when that scale's timing could make the candidate
// suggested (the verdict under the time instruction; memory is then shown, never decisive).
const largest = scales.reduce((best, row) => (best === undefined || row.n > best.n ? row : best), undefined);
if (!spec.memoryWhenFaster || medianRatio(largest ?? own) >= spec.memoryWhenFaster) {
  const ownMemory = await memoryOf(calls);
  if (ownMemory) own.memory = ownMemory;
  if (largest) {
    const memory = await memoryOf(scaled.scales[scales.indexOf(largest)].calls.map((g) => g.record));
    if (memory) largest.memory = memory;
  }
}
finish({
  status: 'measured',
  calls: calls.length,
  n: Math.max(0, ...calls.map(recordedSize)),
  ...own,
  scales,
  scaleNotes: scaled.notes,
});

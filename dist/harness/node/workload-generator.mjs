// Runs inside the sandbox, in a process of its own: calls the model's input generator
// (`function afterburnerInputs(n)` → an array of argument lists) for growing n and writes what it returned as plain
// data (v8 serialization: no functions, no code), so that nothing the generator does can reach the process that
// checks and times the candidate. Usage: node workload-generator.mjs SPEC.json → one `AFTERBURNER_RESULT {json}`
// line; SPEC = { generator, out, sizes, budgetNs, maxBytes }.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';
import { encodeFrames } from './frames.mjs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));

function finish(result) {
  process.stdout.write(`\nAFTERBURNER_RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

let generate;
try {
  generate = (await import(pathToFileURL(resolve(spec.generator)).href)).default;
} catch (error) {
  finish({ status: 'error', message: `the input generator does not load: ${String(error).slice(0, 300)}` });
}
if (typeof generate !== 'function') {
  finish({ status: 'error', message: 'the answer defines no function `afterburnerInputs(n)`' });
}

const frames = [];
const notes = [];
const generated = [];
let bytes = 0;
for (const n of spec.sizes) {
  const started = process.hrtime.bigint();
  let calls;
  try {
    calls = await generate(n);
  } catch (error) {
    notes.push(`n = ${n}: the generator threw ${String(error).slice(0, 120)}`);
    break;
  }
  if (!Array.isArray(calls) || calls.length === 0 || !calls.every(Array.isArray)) {
    notes.push(`n = ${n}: the generator did not return a non-empty array of argument lists`);
    break;
  }
  let encoded;
  try {
    encoded = calls.slice(0, 20).map((args) => serialize({ args }));
  } catch (error) {
    notes.push(`n = ${n}: its inputs are not plain data (${String(error).slice(0, 120)})`);
    break;
  }
  const size = encoded.reduce((sum, frame) => sum + frame.length, 0);
  if (bytes + size > spec.maxBytes) {
    notes.push(`n = ${n}: not kept, its inputs exceed ${Math.round(spec.maxBytes / 2 ** 20)} MiB`);
    break;
  }
  bytes += size;
  for (const pre of encoded) frames.push({ n, pre });
  generated.push(n);
  // Each size costs more to build than the last: stop before the next one would overrun the budget.
  if (Number(process.hrtime.bigint() - started) * 10 > spec.budgetNs) break;
}

writeFileSync(spec.out, encodeFrames(frames));
finish({ status: 'generated', sizes: generated, notes });

/**
 * `npm run bench:sandbox`: container start, warm exec overhead, and how the statistics behave (A/A false
 * "faster" rate, power on a true 20% speedup) on synthetic samples and on real timings in the sandbox.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSandbox } from '../src/sandbox/create-sandbox.js';
import type { Sandbox, Workspace } from '../src/sandbox/types.js';
import { compareSamples, median, quantileSorted, syntheticPair } from '../src/stats/index.js';

const image = process.env.AFTERBURNER_IMAGE ?? 'afterburner-sandbox:bookworm';
const runId = `bench-sandbox-${process.pid}`;
const comparisons = 200;
const rounds = 30;
const warmupRounds = 3;
const roundMs = 20;

function fmt(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${median(sorted).toFixed(1)} ms, p90 ${quantileSorted(sorted, 0.9).toFixed(1)} ms (n=${sorted.length})`;
}

async function sourceDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'afterburner-bench-'));
  await fs.writeFile(path.join(dir, 'package.json'), '{"name":"bench"}\n');
  // Interleaved rounds of a loop of `work` iterations; arm B does `work / speedup`. Prints both arms' samples.
  await fs.writeFile(
    path.join(dir, 'ab.js'),
    `const [speedup, rounds, warmup] = process.argv.slice(2).map(Number);
const work = 2000000;
function run(n) { let x = 0; for (let i = 0; i < n; i++) x = (x * 31 + i) | 0; return x; }
const a = [], b = [];
let sink = 0;
for (let r = 0; r < rounds + warmup; r++) {
  for (const arm of r % 2 ? ['b', 'a'] : ['a', 'b']) {
    const t = process.hrtime.bigint();
    sink ^= run(arm === 'a' ? work : Math.round(work / speedup));
    const ns = Number(process.hrtime.bigint() - t);
    if (r >= warmup) (arm === 'a' ? a : b).push(ns);
  }
}
console.log(JSON.stringify({ a, b, sink }));
`,
  );
  return dir;
}

async function execOverhead(workspace: Workspace, count: number): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < count; i++)
    durations.push((await workspace.exec(['true'], { timeoutMs: 10_000 })).durationMs);
  return durations;
}

async function realTimings(workspace: Workspace, speedup: number, count: number) {
  let faster = 0;
  const spentMs: number[] = [];
  for (let i = 0; i < count; i++) {
    const result = await workspace.exec(
      ['node', 'ab.js', String(speedup), String(rounds), String(warmupRounds)],
      {
        timeoutMs: 60_000,
      },
    );
    const { a, b } = JSON.parse(result.stdout) as { a: number[]; b: number[] };
    spentMs.push(result.durationMs);
    if (compareSamples(a, b, { minSpeedup: 0.1, seed: i }).verdict === 'faster') faster++;
  }
  return { faster, spentMs };
}

function synthetic(trueSpeedup: number) {
  let faster = 0;
  let worstSamplingMs = 0;
  for (let trial = 0; trial < comparisons; trial++) {
    const { original, candidate } = syntheticPair({
      originalCost: roundMs,
      trueSpeedup,
      rounds: rounds + warmupRounds,
      seed: 10_000 + trial,
    });
    const samplingMs = [...original, ...candidate].reduce((sum, v) => sum + v, 0);
    worstSamplingMs = Math.max(worstSamplingMs, samplingMs);
    const verdict = compareSamples(original.slice(warmupRounds), candidate.slice(warmupRounds), {
      minSpeedup: 0.1,
      seed: trial,
    }).verdict;
    if (verdict === 'faster') faster++;
  }
  return { faster, worstSamplingMs };
}

async function main() {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `afterburner sandbox benchmark (${os.cpus().length} CPUs, load average ${load}, image ${image})\n`,
  );
  const aa = synthetic(1);
  const ab = synthetic(1.2);
  console.log(
    `statistics, synthetic (shared-runner noise: 3% CV, 5% outliers up to 2x, 2% round drift; ${rounds} rounds + ${warmupRounds} warm-up of ~${roundMs} ms, minSpeedup 10%):`,
  );
  console.log(
    `  A/A: ${aa.faster}/${comparisons} say "faster" (${((100 * aa.faster) / comparisons).toFixed(1)}%; target <= 1%)`,
  );
  console.log(
    `  true 20% speedup: ${ab.faster}/${comparisons} say "faster" (${((100 * ab.faster) / comparisons).toFixed(1)}%; target >= 95%), sampling time per comparison <= ${(ab.worstSamplingMs / 1000).toFixed(2)} s (budget 10 s)`,
  );

  const dir = await sourceDir();
  for (const mode of ['docker', 'process'] as const) {
    let sandbox: Sandbox;
    const connectStarted = performance.now();
    try {
      sandbox = await createSandbox({ mode, image, runId });
    } catch (error) {
      console.log(`\n${mode}: unavailable (${(error as Error).message})`);
      continue;
    }
    const connectMs = performance.now() - connectStarted;
    console.log(`\n${sandbox.description}`);
    console.log(`  connect (ping, reaper, image check): ${connectMs.toFixed(0)} ms`);
    const starts: number[] = [];
    const firstExec: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const workspace = await sandbox.open({ sourceDir: dir });
      starts.push(performance.now() - started);
      firstExec.push((await workspace.exec(['true'], { timeoutMs: 10_000 })).durationMs);
      await workspace.dispose();
    }
    console.log(`  first start (create + start + copy the source): ${fmt(starts)}`);
    console.log(`  first exec in a fresh workspace: ${fmt(firstExec)}`);
    const workspace = await sandbox.open({ sourceDir: dir });
    await execOverhead(workspace, 3);
    const overhead = await execOverhead(workspace, 30);
    console.log(
      `  warm exec overhead per candidate (\`true\`, ~1 ms of its own): ${fmt(overhead)} (target median <= 150 ms)`,
    );
    const withResources = (await workspace.exec(['true'], { timeoutMs: 10_000 })).resources;
    console.log(
      `  resources measured: ${withResources ? `${withResources.source}, peak exact: ${withResources.peakExact}` : 'no'}`,
    );
    const realCount = 20;
    const realAA = await realTimings(workspace, 1, realCount);
    const realAB = await realTimings(workspace, 1.2, realCount);
    console.log(
      `  real timings (a 2M-iteration loop, ${rounds} interleaved rounds in one Node process per comparison):`,
    );
    console.log(
      `    A/A: ${realAA.faster}/${realCount} say "faster"; true 20%: ${realAB.faster}/${realCount} say "faster"`,
    );
    console.log(
      `    time per comparison, node start included: ${fmt([...realAA.spentMs, ...realAB.spentMs])}`,
    );
    await sandbox.close();
  }
  await fs.rm(dir, { recursive: true, force: true });
}

await main();

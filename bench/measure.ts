/**
 * `npm run bench:measure`: the verdicts of wall time and of instruction counts (`--measure instructions`) side by
 * side, on the same pairs of known true difference, with the other core loaded. The fixtures measure-js and
 * measure-py hold `digest`, which recomputes one checksum a fixed number of times; each candidate recomputes it
 * fewer times (true differences of 2%, 5%, 10%, 20%) or as often (A/A: the original's own text). Every candidate
 * is evaluated MEASURE_REPEATS times through the real harness (one prepare per language: tests, recording, A/A
 * runs of both measures), and each evaluation yields both verdicts from the same run: the wall-time comparison on
 * the tests' own calls and the callgrind counts' comparison. Minimum gain 1%, so that 2% can be called.
 * Prints per pair how often each measure said "faster" and its median ratio, then the false-"faster" rate (A/A)
 * and the power at each difference.
 *
 * Environment: MEASURE_MODE=process|docker (default process), MEASURE_LANGUAGES=python,javascript,
 * MEASURE_REPEATS (default 10), MEASURE_LOAD=0 leaves the other core idle, AFTERBURNER_IMAGE.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { materializeFixture } from '../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../src/detect/index.js';
import { NodeHarness } from '../src/harness/index.js';
import type { Benchmark, Evaluation } from '../src/harness/types.js';
import { PythonHarness } from '../src/languages/python/harness/python-harness.js';
import { createSandbox } from '../src/sandbox/create-sandbox.js';
import { median } from '../src/stats/index.js';

const image = process.env.AFTERBURNER_IMAGE ?? 'afterburner-sandbox:bookworm';
const mode = (process.env.MEASURE_MODE ?? 'process') as 'process' | 'docker';
const repeats = Number(process.env.MEASURE_REPEATS ?? 10);
const languages = process.env.MEASURE_LANGUAGES?.split(',') ?? ['python', 'javascript'];
const differences = [0, 0.02, 0.05, 0.1, 0.2];

const fixtures = {
  javascript: {
    dir: 'measure-js',
    testCommand: 'node --test test/' as string | undefined,
    work: 1200,
    candidate: (reps: number) => `function digest(values) {
  let out = 0;
  for (let k = 0; k < ${reps}; k++) {
    let h = k & 0;
    for (let i = 0; i < values.length; i++) h = (Math.imul(h, 31) + values[i]) | 0;
    out = h;
  }
  return out;
}`,
  },
  python: {
    dir: 'measure-py',
    testCommand: undefined,
    work: 600,
    candidate: (reps: number) => `def digest(values):
    """The checksum of the values, recomputed ${reps} times."""
    out = 0
    for _ in range(${reps}):
        h = 0
        for v in values:
            h = (h * 31 + v) & 0xFFFFFFFF
        out = h
    return out`,
  },
};

interface Tally {
  faster: number;
  ratios: number[];
}

/** The wall-time and instruction-count verdicts of one evaluation (undefined when it has no benchmark). */
function verdicts(evaluation: Evaluation): { wall: Tally; counted: Tally } | undefined {
  const benchmark = 'benchmark' in evaluation ? (evaluation.benchmark as Benchmark | undefined) : undefined;
  if (!benchmark?.instructions) return undefined;
  const tally = (verdict: string, ratio: number) => ({
    faster: verdict === 'faster' ? 1 : 0,
    ratios: [ratio],
  });
  return {
    wall: tally(benchmark.verdict, benchmark.estimate.speedup),
    counted: tally(benchmark.instructions.verdict, benchmark.instructions.estimate.speedup),
  };
}

function whyNot(evaluation: Evaluation): string {
  const benchmark = 'benchmark' in evaluation ? (evaluation.benchmark as Benchmark | undefined) : undefined;
  const reason = 'reason' in evaluation ? evaluation.reason : evaluation.status;
  return (benchmark?.instructionsNote ?? reason).slice(0, 300);
}

function loadOtherCore(): ChildProcess | undefined {
  if (process.env.MEASURE_LOAD === '0') return undefined;
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

async function benchLanguage(language: 'javascript' | 'python'): Promise<void> {
  const fixture = fixtures[language];
  const repo = await materializeFixture(fixture.dir);
  const sandbox = await createSandbox({ mode, image, runId: `bench-measure-${process.pid}` });
  const load = loadOtherCore();
  try {
    const { targets } = await detectChangedFunctions({ repo: repo.dir, base: repo.base, head: repo.head });
    const target = targets.find((t) => t.name === 'digest');
    if (!target) throw new Error(`${fixture.dir}: digest not detected`);
    const workspace = await sandbox.open({ sourceDir: repo.dir });
    const fileText = await readFile(path.join(repo.dir, target.path), 'utf8');
    const options = {
      workspace,
      target,
      sourceDir: repo.dir,
      fileText,
      testCommand: fixture.testCommand,
      minSpeedup: 0.01,
      measure: 'instructions' as const,
    };
    const harness = language === 'python' ? new PythonHarness(options) : new NodeHarness(options);
    const started = Date.now();
    const prepared = await harness.prepare();
    if (!prepared.ok) throw new Error(`${fixture.dir}: not prepared: ${prepared.reason}`);
    console.log(
      `\n${language} (${fixture.dir}, ${mode} sandbox, ${repeats} evaluations a pair, other core ${load ? 'loaded' : 'idle'})`,
    );
    console.log('  true difference   wall time: faster (median ratio)   instructions: faster (median ratio)');
    for (const difference of differences) {
      const reps = Math.round(fixture.work / (1 + difference));
      const source = difference === 0 ? target.source : fixture.candidate(reps);
      const wall: Tally = { faster: 0, ratios: [] };
      const counted: Tally = { faster: 0, ratios: [] };
      let failed = 0;
      for (let i = 0; i < repeats; i++) {
        const evaluation = await harness.evaluate({ source, imports: [] });
        const result = verdicts(evaluation);
        if (!result) {
          if (failed++ === 0) console.log(`    no counts: ${whyNot(evaluation)}`);
          continue;
        }
        for (const [into, from] of [
          [wall, result.wall],
          [counted, result.counted],
        ] as const) {
          into.faster += from.faster;
          into.ratios.push(...from.ratios);
        }
      }
      const truth = (fixture.work / reps).toFixed(4);
      const cell = (t: Tally) =>
        `${t.faster}/${t.ratios.length} (${t.ratios.length ? median(t.ratios).toFixed(4) : '—'}x)`.padEnd(34);
      const label = difference === 0 ? 'A/A (1.0000x)' : `${(difference * 100).toFixed(0)}% (${truth}x)`;
      console.log(
        `  ${label.padEnd(18)}${cell(wall)}${cell(counted)}${failed ? `${failed} without counts` : ''}`,
      );
    }
    console.log(
      `  (A/A row: the false-"faster" rate; the others: the power at that difference) ${((Date.now() - started) / 60_000).toFixed(1)} min`,
    );
    await workspace.dispose();
  } finally {
    load?.kill();
    await sandbox.close();
    await repo.dispose();
  }
}

console.log(`${os.cpus().length} cpus, load average ${os.loadavg()[0]?.toFixed(2)}`);
for (const language of languages) await benchLanguage(language as 'javascript' | 'python');

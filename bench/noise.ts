/**
 * `npm run bench:noise`: the A/A noise floor on tiny calls (a 5-element dedupe, a string helper, a property
 * lookup; JavaScript and Python), measured through the real harness: each function's tests are recorded, then
 * `prepare()` runs the A/A calibration (the original against a second copy of itself). Prints, per fixture and
 * sandbox, the A/A estimate and interval, the floor a candidate must clear, and how the rounds were batched.
 *
 * Environment: NOISE_MODES=process,docker (default: process, plus docker when the daemon answers),
 * NOISE_LANGUAGES=javascript,python, NOISE_ROUNDS (default: the harness default), AFTERBURNER_IMAGE.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type FixtureRepo, materializeFixture } from '../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../src/detect/index.js';
import type { Target } from '../src/detect/types.js';
import { NodeHarness } from '../src/harness/index.js';
import type { Calibration } from '../src/harness/verify-result.js';
import { PythonHarness } from '../src/languages/python/harness/python-harness.js';
import { createSandbox } from '../src/sandbox/create-sandbox.js';
import type { Sandbox } from '../src/sandbox/types.js';
import { median } from '../src/stats/index.js';
import { dockerAvailable } from '../test/helpers/docker.js';

const image = process.env.AFTERBURNER_IMAGE ?? 'afterburner-sandbox:bookworm';
const rounds = process.env.NOISE_ROUNDS ? Number(process.env.NOISE_ROUNDS) : undefined;
const languages = process.env.NOISE_LANGUAGES?.split(',') ?? ['javascript', 'python'];
const fixtures = [
  { dir: 'tiny-calls-js', language: 'javascript', testCommand: 'node --test test/' },
  { dir: 'tiny-calls-py', language: 'python', testCommand: undefined },
].filter((fixture) => languages.includes(fixture.language));

/** The fixture as a pull request whose head adds `src/`, so every function in it is a target. */
async function materialize(name: string): Promise<FixtureRepo & { targets: Target[] }> {
  const fixture = await materializeFixture(name);
  const { targets } = await detectChangedFunctions({
    repo: fixture.dir,
    base: fixture.base,
    head: fixture.head,
  });
  return { ...fixture, targets };
}

function row(label: string, c: Calibration): string {
  const roundMs = (median(c.originalNs) * c.repeats) / 1e6;
  const perCall = median(c.originalNs) / c.calls;
  const e = c.estimate;
  return [
    label.padEnd(26),
    `${e.speedup.toFixed(3)}x [${e.low.toFixed(3)}, ${e.high.toFixed(3)}]`.padEnd(26),
    `floor ${c.noiseFloor.toFixed(3)}x`.padEnd(15),
    `${perCall.toFixed(0)} ns/call`.padEnd(14),
    `calls ${c.calls} × repeats ${c.repeats}`.padEnd(24),
    `rounds ${c.originalNs.length}`.padEnd(10),
    `batch ${roundMs.toFixed(2)} ms`,
  ].join(' ');
}

async function measure(sandbox: Sandbox, mode: string): Promise<number[]> {
  const floors: number[] = [];
  for (const fixture of fixtures) {
    const repo = await materialize(fixture.dir);
    try {
      for (const target of repo.targets) {
        const workspace = await sandbox.open({ sourceDir: repo.dir });
        try {
          const options = {
            workspace,
            target,
            sourceDir: repo.dir,
            fileText: await readFile(path.join(repo.dir, target.path), 'utf8'),
            testCommand: fixture.testCommand,
            minSpeedup: 0.1,
            rounds,
          };
          const harness =
            fixture.language === 'python' ? new PythonHarness(options) : new NodeHarness(options);
          const prepared = await harness.prepare();
          const label = `${mode} ${fixture.language === 'python' ? 'py' : 'js'} ${target.name}`;
          if (!prepared.ok || !harness.calibration) {
            console.log(
              `${label.padEnd(26)} not calibrated: ${prepared.ok ? 'no calibration' : prepared.reason}`,
            );
            continue;
          }
          floors.push(harness.calibration.noiseFloor);
          console.log(row(label, harness.calibration));
        } finally {
          await workspace.dispose();
        }
      }
    } finally {
      await repo.dispose();
    }
  }
  return floors;
}

const modes = process.env.NOISE_MODES
  ? process.env.NOISE_MODES.split(',')
  : ['process', ...((await dockerAvailable(image)) ? ['docker'] : [])];
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, ${os.cpus().length} cpus`,
);
const all: number[] = [];
for (const mode of modes) {
  const sandbox = await createSandbox({
    mode: mode as 'process' | 'docker',
    image,
    runId: `bench-noise-${process.pid}`,
  });
  try {
    all.push(...(await measure(sandbox, mode)));
  } finally {
    await sandbox.close();
  }
}
const sorted = [...all].sort((a, b) => a - b);
console.log(
  `floors: median ${median(sorted).toFixed(3)}x, max ${sorted.at(-1)?.toFixed(3)}x over ${sorted.length} ` +
    `calibrations; load average now ${os.loadavg()[0]?.toFixed(2)}`,
);

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHarnessDir, pythonHarnessDir } from '../../src/paths.js';

const run = promisify(execFile);

// The timed batches' clock (node/cpu-clock.mjs, afterburner_replay_clock.py) leaves out the time another process
// held the CPU. A busy loop shares one core with a competitor: the clock's reading stays what it was without the
// competitor, well under the wall time. (Other load on the machine only lowers the reading's share further.)
// Linux only: the run-queue delay comes from /proc/thread-self/schedstat. The probes' wall-clock window encloses the
// clock's, so a clock that adds time (not only one that fails to subtract it) fails the first check.
const onLinux = process.platform === 'linux';

const nodeProbe = `
const { clockStart, clockElapsed, clockKind } = await import(${JSON.stringify(pathToFileURL(join(nodeHarnessDir, 'cpu-clock.mjs')).href)});
function work(count) {
  let x = 0;
  for (let i = 0; i < count; i++) x = (x * 31 + i) & 0xffff;
  return x;
}
const wall = process.hrtime.bigint();
const mark = clockStart();
const x = work(Number(process.argv[1]));
const clockNs = clockElapsed(mark);
const wallNs = Number(process.hrtime.bigint() - wall);
console.log(JSON.stringify({ kind: clockKind, clockNs, wallNs, x }));
`;

const pythonProbe = `
import json, sys, time
sys.path.insert(0, ${JSON.stringify(pythonHarnessDir)})
from afterburner_replay_clock import clock_elapsed, clock_kind, clock_start
wall = time.perf_counter_ns()
mark = clock_start()
x = 0
for i in range(int(sys.argv[2])):
    x = (x * 31 + i) & 0xffff
clock_ns = clock_elapsed(mark)
wall_ns = time.perf_counter_ns() - wall
print(json.dumps({"kind": clock_kind, "clockNs": clock_ns, "wallNs": wall_ns}))
`;

interface Reading {
  kind: string;
  clockNs: number;
  wallNs: number;
}

describe.runIf(onLinux)('the timing clock leaves out time another process held the CPU', () => {
  let dir: string;
  let competitor: ChildProcess | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'afterburner-clock-'));
    await writeFile(join(dir, 'spec.json'), JSON.stringify({ target: {}, seed: 1 }));
  });
  afterAll(async () => {
    competitor?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  const pinned = async (command: string[]): Promise<Reading> => {
    const { stdout } = await run('taskset', ['-c', '0', ...command], { timeout: 120_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1) as string) as Reading;
  };
  const probes = {
    node: () => pinned([process.execPath, '--input-type=module', '-e', nodeProbe, '400000000']),
    python: () => pinned(['python3', '-c', pythonProbe, join(dir, 'spec.json'), '8000000']),
  };

  for (const language of ['node', 'python'] as const) {
    it(`${language}: sharing the core with a busy process, the clock reads what it read without it`, async () => {
      const alone = await probes[language]();
      expect(alone.kind).toBe('on-cpu');
      expect(alone.clockNs).toBeLessThanOrEqual(alone.wallNs);

      competitor = spawn('taskset', ['-c', '0', process.execPath, '-e', 'for (;;);'], { stdio: 'ignore' });
      try {
        const shared = await probes[language]();
        // The competitor took a large share of the wall time; the clock left it out.
        expect(shared.clockNs / shared.wallNs).toBeLessThan(0.75);
        expect(shared.clockNs / alone.clockNs).toBeGreaterThan(0.67);
        expect(shared.clockNs / alone.clockNs).toBeLessThan(1.5);
      } finally {
        competitor.kill('SIGKILL');
        competitor = undefined;
      }
    });
  }
});

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeHarnessDir } from '../../src/paths.js';

interface Entry {
  name: string;
}
interface Protocol {
  measureInterleaved(options: {
    original: Entry;
    candidate: Entry;
    spec: { rounds: number; warmupRounds: number; minRoundNs: number; seed: number };
    callCount: number;
    passBytes?: number;
    timeBatch: (entry: Entry, repeats: number) => Promise<number>;
  }): Promise<{ repeats: number; originalNs: number[]; candidateNs: number[] }>;
}

const { measureInterleaved } = (await import(
  pathToFileURL(join(nodeHarnessDir, 'timing-protocol.mjs')).href
)) as Protocol;

// The JavaScript runner's timing protocol, driven by a batch timer that reports what a batch of `repeats` passes
// would cost: 40 ns a call, so the batch grows toward the 1 ms minimum round.
describe('the timing protocol (node/timing-protocol.mjs)', () => {
  const original = { name: 'original' };
  const candidate = { name: 'candidate' };
  const spec = { rounds: 6, warmupRounds: 1, minRoundNs: 1e6, seed: 7 };
  const asked: number[] = [];
  const timeBatch = async (_entry: Entry, repeats: number) => {
    asked.push(repeats);
    return 40 * repeats;
  };

  it('batches a tiny call until a batch lasts the minimum round', async () => {
    asked.length = 0;
    const run = await measureInterleaved({
      original,
      candidate,
      spec,
      callCount: 1,
      passBytes: 100,
      timeBatch,
    });
    expect(run.repeats * 40).toBeGreaterThanOrEqual(spec.minRoundNs);
    expect(run.originalNs).toHaveLength(spec.rounds);
  });

  it('unpacks at most 8 MiB of serialized arguments a batch, however cheap the call', async () => {
    asked.length = 0;
    // One pass over a grown input of 1 MiB serialized: a 1 ms batch would need 25 000 copies of it.
    const run = await measureInterleaved({
      original,
      candidate,
      spec,
      callCount: 1,
      passBytes: 2 ** 20,
      timeBatch,
    });
    expect(run.repeats).toBe(8);
    expect(Math.max(...asked)).toBe(8);
  });
});

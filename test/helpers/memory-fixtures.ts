import { NodeHarness } from '../../src/harness/index.js';
import { PythonHarness } from '../../src/languages/python/harness/python-harness.js';
import { dockerAvailable } from './docker.js';

// Docker where a daemon answers (always in CI), the process sandbox otherwise: the measurement is the runner's.
export const memoryFixtureMode: 'docker' | 'process' = (await dockerAvailable()) ? 'docker' : 'process';

/**
 * The memory-js and memory-py fixtures with their candidates: `lighter` drops a needless copy (same time, far less
 * memory); `faster` trades a list scan for a set (faster, more memory). Shared by the memory and count tests.
 */
export const memoryFixtures = [
  {
    fixture: 'memory-js',
    Harness: NodeHarness,
    testCommand: 'node --test test/',
    needless: 'roughness',
    lighter: `function roughness(readings) {
  let total = 0;
  for (let i = 0; i < readings.length; i++) total += Math.log1p(Math.abs(readings[i])) * Math.atan(readings[i]);
  return total;
}`,
    trade: 'sharedCount',
    faster: `function sharedCount(ids, allowed) {
  const set = new Set(allowed);
  let count = 0;
  for (const id of ids) if (set.has(id)) count++;
  return count;
}`,
  },
  {
    fixture: 'memory-py',
    Harness: PythonHarness,
    testCommand: undefined,
    needless: 'roughness',
    lighter: `def roughness(readings):
    """Sum of log(1 + |x|) * atan(x) over the readings."""
    return sum(math.log1p(abs(x)) * math.atan(x) for x in readings)`,
    trade: 'shared_count',
    faster: `def shared_count(ids, allowed):
    """How many of \`ids\` are in \`allowed\`."""
    allowed = set(allowed)
    return sum(1 for i in ids if i in allowed)`,
  },
] as const;

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Evaluation } from '../../src/harness/index.js';
import { PythonHarness } from '../../src/languages/python/harness/python-harness.js';
import { dockerAvailable } from '../helpers/docker.js';
import { fixtureSandbox } from '../helpers/fixture-sandbox.js';
import { preparedHarnesses } from '../helpers/prepared-harnesses.js';

const fasterUniqueBy = `def unique_by(items, key):
    """The first item for each key, in order."""
    seen = set()
    result = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            result.append(item)
    return result`;

// Same result, but asks the key function about a value the original never passed it (and hides the answer).
const probingUniqueBy = `def unique_by(items, key):
    try:
        key(None)
    except Exception:
        pass
    seen = set()
    return [item for item in items if not (key(item) in seen or seen.add(key(item)))]`;

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

describe.each(modes)('PythonHarness on key functions the tests pass as lambdas (%s sandbox)', (mode) => {
  const suite = fixtureSandbox('py-collections', mode);
  afterAll(() => harnesses.dispose());

  const harnesses = preparedHarnesses(
    () => ({ sandbox: suite.sandbox, sourceDir: suite.fixture.dir, targets: suite.targets }),
    async (target, workspace) =>
      new PythonHarness({
        workspace,
        target,
        sourceDir: suite.fixture.dir,
        fileText: await readFile(join(suite.fixture.dir, target.path), 'utf8'),
        minSpeedup: 0.1,
        rounds: 15,
      }),
  );

  async function evaluate(source: string): Promise<Evaluation> {
    const { harness, preparation } = await harnesses.prepare('unique_by');
    expect(preparation, JSON.stringify(preparation)).toMatchObject({
      ok: true,
      capturedCalls: 2,
      skippedCalls: 0,
    });
    return harness.evaluate({ source, imports: [] });
  }

  it('records calls whose key function is a lambda and verifies a faster rewrite on them', async () => {
    const evaluation = await evaluate(fasterUniqueBy);
    expect(evaluation.status, JSON.stringify(evaluation)).toBe('verified');
  });

  it('rejects a rewrite that calls the key function with something the original never passed', async () => {
    const evaluation = await evaluate(probingUniqueBy);
    expect(evaluation).toMatchObject({ status: 'rejected', stage: 'differential' });
    expect((evaluation as { reason: string }).reason).toMatch(
      /callback calls on captured call 0: .*calls a callback with \(\(None,\), \{\}\), which the original never did/,
    );
  });
});

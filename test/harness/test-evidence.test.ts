import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import { NodeHarness, resolveTestCommand } from '../../src/harness/index.js';
import type { Preparation, TestEvidence } from '../../src/harness/types.js';
import { PythonHarness } from '../../src/languages/python/harness/python-harness.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';

// The result cache is keyed by these hashes (issue 13, item 10): equal for the same tests and calls, run after run
// (the Node recorder writes a per-process key into every call), different once a test passes other inputs.

const cases = [
  {
    language: 'javascript',
    fixture: 'tagged-posts',
    name: 'sharedTags',
    testFile: 'test/posts.test.js',
    largerTest: [
      "test('sharedTags on many posts', () => {",
      "  const posts = Array.from({ length: 400 }, (_, i) => ({ tags: [`t${i % 50}`, 'a'] }));",
      "  assert.equal(sharedTags(posts, ['a', 't1']).length, 2);",
      '});',
    ],
  },
  {
    language: 'python',
    fixture: 'py-inventory',
    name: 'unique_skus',
    testFile: 'tests/test_stock.py',
    largerTest: [
      '',
      'def test_unique_skus_of_an_even_larger_catalogue():',
      '    assert len(unique_skus(catalogue(6000, 3000))) == 3000',
    ],
  },
] as const;

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

describe.each(modes)('what a verdict rests on (%s sandbox)', (mode) => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await createSandbox({ mode, image: dockerTestImage, runId: `evidence-test-${mode}` });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  describe.each(cases)('$language', (example) => {
    let fixture: FixtureRepo;
    let target: Target;
    const evidence: (TestEvidence | undefined)[] = [];

    async function prepare(): Promise<Preparation> {
      const workspace = await sandbox.open({ sourceDir: fixture.dir, language: example.language });
      try {
        const common = {
          workspace,
          target,
          sourceDir: fixture.dir,
          fileText: await readFile(join(fixture.dir, target.path), 'utf8'),
          minSpeedup: 0.1,
          // prepare() ends with the A/A calibration, which the hashes do not depend on: its fewest rounds, no more.
          rounds: 5,
          maxRounds: 5,
          warmupRounds: 1,
        };
        const harness =
          example.language === 'python'
            ? new PythonHarness(common)
            : new NodeHarness({ ...common, testCommand: await resolveTestCommand(fixture.dir, undefined) });
        return await harness.prepare();
      } finally {
        await workspace.dispose();
      }
    }

    beforeAll(async () => {
      fixture = await materializeFixture(example.fixture);
      const detection = await detectChangedFunctions({
        repo: fixture.dir,
        base: fixture.base,
        head: fixture.head,
      });
      const found = detection.targets.find((t) => t.name === example.name);
      if (!found) throw new Error(`${example.fixture} has no target ${example.name}`);
      target = found;
      for (let run = 0; run < 2; run++) {
        const preparation = await prepare();
        if (!preparation.ok) throw new Error(preparation.reason);
        evidence.push(preparation.evidence);
      }
      await appendFile(join(fixture.dir, example.testFile), `${example.largerTest.join('\n')}\n`);
      const larger = await prepare();
      if (!larger.ok) throw new Error(larger.reason);
      evidence.push(larger.evidence);
    }, 600_000);

    afterAll(async () => {
      await fixture?.dispose();
    });

    it('is the same for the same tests and calls, run after run', () => {
      expect(evidence[0]).toEqual({
        tests: expect.stringMatching(/^[0-9a-f]{64}$/),
        calls: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(evidence[1]).toEqual(evidence[0]);
    });

    it('changes with a test that passes larger inputs: its text and the recorded calls', () => {
      expect(evidence[2]?.tests).not.toBe(evidence[0]?.tests);
      expect(evidence[2]?.calls).not.toBe(evidence[0]?.calls);
    });
  });
});

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { materializeFixture } from '../../src/demo/materialize-fixture.js';
import { headTree } from '../../src/detect/head-tree.js';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import { NodeHarness, resolveTestCommand } from '../../src/harness/index.js';
import type { TestEvidence } from '../../src/harness/types.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';

export interface FixtureHarness {
  repo: string;
  headDir: string;
  target: Target;
  harness: NodeHarness;
  /** What the preparation's verdicts rest on (the cache key's tests and recorded calls). */
  evidence?: TestEvidence;
  dispose(): Promise<void>;
}

/** The real harness, prepared on one function of a bundled fixture, in the process sandbox. */
export async function openFixtureHarness(fixtureName: string, functionName: string): Promise<FixtureHarness> {
  const fixture = await materializeFixture(fixtureName);
  const detection = await detectChangedFunctions({
    repo: fixture.dir,
    base: fixture.base,
    head: fixture.head,
  });
  const target = detection.targets.find((t) => t.name === functionName);
  if (!target) throw new Error(`${fixtureName} has no changed function ${functionName}`);
  const head = await headTree(fixture.dir, detection.headSha);
  const sandbox = await createSandbox({ mode: 'process', image: 'unused', runId: randomUUID() });
  const workspace = await sandbox.open({ sourceDir: head.dir, labels: {} });
  const harness = new NodeHarness({
    workspace,
    target,
    sourceDir: head.dir,
    fileText: await readFile(join(head.dir, target.path), 'utf8'),
    testCommand: await resolveTestCommand(head.dir, undefined),
    minSpeedup: 0.1,
    rounds: 30,
  });
  const preparation = await harness.prepare();
  if (!preparation.ok) throw new Error(`the fixture harness did not prepare: ${preparation.reason}`);
  return {
    repo: fixture.dir,
    headDir: head.dir,
    target,
    harness,
    evidence: preparation.evidence,
    dispose: async () => {
      await workspace.dispose();
      await sandbox.close();
      await head.dispose();
      await fixture.dispose();
    },
  };
}

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import { NodeHarness } from '../../src/harness/index.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';

const run = promisify(execFile);

const fasterDedupe = `export function dedupePoints(points: Point[]): Point[] {
  const seen = new Set<string>();
  const result: Point[] = [];
  for (const p of points) {
    const key = \`\${p.x},\${p.y}\`;
    if (!seen.has(key)) {
      seen.add(key);
      result.push(p);
    }
  }
  return result;
}`;

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

describe.each(modes)('NodeHarness on a TypeScript repository with node:test and tsx (%s sandbox)', (mode) => {
  let fixture: FixtureRepo;
  let sandbox: Sandbox;
  let targets: Target[];

  beforeAll(async () => {
    fixture = await materializeFixture('ts-geometry');
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: fixture.dir });
    targets = (await detectChangedFunctions({ repo: fixture.dir, base: fixture.base, head: fixture.head }))
      .targets;
    sandbox = await createSandbox({ mode, image: dockerTestImage, runId: `harness-ts-test-${mode}` });
  });

  afterAll(async () => {
    await sandbox?.close();
    await fixture?.dispose();
  });

  async function harnessFor(name: string): Promise<NodeHarness> {
    const target = targets.find((t) => t.name === name);
    if (!target) throw new Error(`no target ${name} among ${targets.map((t) => t.name).join(', ')}`);
    return new NodeHarness({
      workspace: await sandbox.open({ sourceDir: fixture.dir }),
      target,
      sourceDir: fixture.dir,
      fileText: await readFile(join(fixture.dir, target.path), 'utf8'),
      testCommand: 'node --import tsx --test test/geometry.test.ts',
      minSpeedup: 0.1,
      rounds: 15,
    });
  }

  it('captures calls through tsx and accepts a correct, faster rewrite', async () => {
    const harness = await harnessFor('dedupePoints');
    expect(await harness.prepare()).toMatchObject({
      ok: true,
      capturedCalls: 2,
      tests: { runner: 'node:test', passedCount: 5 },
    });
    const evaluation = await harness.evaluate({ source: fasterDedupe, imports: [] });
    expect(evaluation.status, JSON.stringify(evaluation)).toBe('verified');
    if (evaluation.status === 'verified') expect(evaluation.benchmark.estimate.low).toBeGreaterThan(1.1);
  });

  it('skips the non-deterministic and the untested function', async () => {
    const label = await (await harnessFor('label')).prepare();
    expect(label).toMatchObject({ ok: false });
    expect((label as { reason: string }).reason).toMatch(/^non-deterministic/);
    expect(await (await harnessFor('triangleArea')).prepare()).toEqual({
      ok: false,
      reason: 'not covered by tests: the tests never called `triangleArea`',
    });
  });
});

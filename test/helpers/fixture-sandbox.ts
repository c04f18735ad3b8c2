import { afterAll, beforeAll } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { dockerTestImage } from './docker.js';

export interface FixtureSandbox {
  fixture: FixtureRepo;
  sandbox: Sandbox;
  /** The functions the fixture's head commit changed. */
  targets: Target[];
}

/**
 * For the enclosing describe block: the fixture made into a repository, its changed functions and a sandbox of
 * `mode`, created before its tests and removed after them. Read the fields inside tests and hooks only.
 */
export function fixtureSandbox(name: string, mode: 'process' | 'docker'): FixtureSandbox {
  const state = {} as FixtureSandbox;
  beforeAll(async () => {
    state.fixture = await materializeFixture(name);
    const { base, head, dir } = state.fixture;
    state.targets = (await detectChangedFunctions({ repo: dir, base, head })).targets;
    state.sandbox = await createSandbox({ mode, image: dockerTestImage, runId: `${name}-test-${mode}` });
  });
  afterAll(async () => {
    await state.sandbox?.close();
    await state.fixture?.dispose();
  });
  return state;
}

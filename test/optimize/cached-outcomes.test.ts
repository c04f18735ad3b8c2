import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultCache, StateLocation } from '../../src/cache/index.js';
import { type OptimizeResult, optimizeTarget } from '../../src/optimize/index.js';
import { RulesProvider } from '../../src/providers/rules/index.js';
import { type FixtureHarness, openFixtureHarness } from './fixture-harness.js';
import { bothSets, js } from './shared-tags-candidates.js';

// Faster, and correct on every recorded call, but with renamed parameters: extraction refuses it.
const renamedParameters = bothSets
  .replace('sharedTags(posts, featured)', 'sharedTags(items, wanted)')
  .replace('new Set(featured)', 'new Set(wanted)')
  .replace('of posts)', 'of items)')
  .replace('{\n', '{\n  /* from a cache entry */\n');

describe('cached outcomes are not trusted', () => {
  let shared: FixtureHarness;
  let slug: FixtureHarness;
  let stateDir: string;
  let replayed: OptimizeResult;
  let rulesOnly: OptimizeResult;
  let rulesCacheFiles: string[];

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'afterburner-cached-'));
    shared = await openFixtureHarness('tagged-posts', 'sharedTags');
    const evidence = shared.evidence;
    if (!evidence) throw new Error('the harness hashed no evidence');
    const store = new ResultCache(new StateLocation(stateDir, ['shared']));
    const key = 'e'.repeat(64);
    await store.set({
      schemaVersion: 2,
      key,
      targetId: shared.target.id,
      createdAt: new Date().toISOString(),
      evidence,
      best: { answer: js(renamedParameters), iteration: 1 },
      outcome: 'improved',
      usage: { inputTokens: 0, outputTokens: 0 },
    });
    replayed = await optimizeTarget({
      target: shared.target,
      provider: new RulesProvider(),
      evaluator: shared.harness,
      iterations: 1,
      candidates: 1,
      cache: { store, key, evidence },
    });

    slug = await openFixtureHarness('tagged-posts', 'slugify');
    const slugEvidence = slug.evidence;
    if (!slugEvidence) throw new Error('the harness hashed no evidence');
    const location = new StateLocation(stateDir, ['slug']);
    rulesOnly = await optimizeTarget({
      target: slug.target,
      provider: new RulesProvider(),
      evaluator: slug.harness,
      iterations: 1,
      candidates: 1,
      cache: { store: new ResultCache(location), key: 'f'.repeat(64), evidence: slugEvidence },
    });
    rulesCacheFiles = await readdir(await location.ensure());
  }, 600_000);

  afterAll(async () => {
    await shared?.dispose();
    await slug?.dispose();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('puts a cached answer through extraction again, like a fresh one, and runs the loop when it fails', () => {
    expect(replayed.fromCache).toBeFalsy();
    expect(replayed.attempts.some((a) => a.reason === 'cached candidate, verified again')).toBe(false);
    expect(replayed.best?.source ?? '').not.toContain('from a cache entry');
  });

  it('never keeps a negative verdict of the free rule catalog', () => {
    expect(rulesOnly.best).toBeUndefined();
    expect(rulesOnly.interrupted).toBeUndefined();
    expect(rulesCacheFiles).toEqual([]);
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import { type Evaluation, NodeHarness, type Preparation } from '../../src/harness/index.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox, Workspace } from '../../src/sandbox/types.js';

const fasterSharedTags = `export function sharedTags(posts, featured) {
  const featuredSet = new Set(featured);
  const seen = new Set();
  const result = [];
  for (const post of posts) {
    for (const tag of post.tags) {
      if (featuredSet.has(tag) && !seen.has(tag)) {
        seen.add(tag);
        result.push(tag);
      }
    }
  }
  return result;
}`;

// A test that needs a credential this machine does not have: it fails before any change.
const credentialTest = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedTags } from '../src/posts.js';

test('publishes shared tags to the blog API', () => {
  assert.deepEqual(sharedTags([{ tags: ['a'] }], ['a']), ['a']);
  assert.ok(process.env.BLOG_API_TOKEN, 'BLOG_API_TOKEN is not set');
});
`;

/** The pass-to-pass gate with a JavaScript runner that reports each test (node:test's TAP). */
describe('NodeHarness with a test that fails before any change (node:test)', () => {
  let fixture: FixtureRepo;
  let sandbox: Sandbox;
  let workspace: Workspace;
  let harness: NodeHarness;
  let prepared: Preparation;

  beforeAll(async () => {
    fixture = await materializeFixture('tagged-posts');
    await writeFile(join(fixture.dir, 'test', 'publish.test.js'), credentialTest);
    const target = (
      await detectChangedFunctions({ repo: fixture.dir, base: fixture.base, head: fixture.head })
    ).targets.find((t) => t.name === 'sharedTags') as Target;
    sandbox = await createSandbox({ mode: 'process', image: 'unused', runId: 'js-gate-test' });
    workspace = await sandbox.open({ sourceDir: fixture.dir });
    harness = new NodeHarness({
      workspace,
      target,
      sourceDir: fixture.dir,
      fileText: await readFile(join(fixture.dir, target.path), 'utf8'),
      testCommand: 'node --test test/',
      minSpeedup: 0.1,
      rounds: 10,
    });
    prepared = await harness.prepare();
  });

  afterAll(async () => {
    await workspace?.dispose();
    await sandbox?.close();
    await fixture?.dispose();
  });

  it('prepares the target and names the failing test as left out', () => {
    expect(prepared).toMatchObject({
      ok: true,
      tests: {
        runner: 'node:test',
        passed: false,
        preexistingFailures: ['publishes shared tags to the blog API'],
      },
    });
  });

  it('passes a correct candidate through the tests and the replay despite that failure', async () => {
    const evaluation = await harness.evaluate({ source: fasterSharedTags, imports: [] });
    // Whether it is also measured faster depends on this machine's load; the gate is what is tested here.
    const stage = evaluation.status === 'rejected' ? evaluation.stage : 'verified';
    expect(['verified', 'not-faster'], JSON.stringify(evaluation)).toContain(stage);
    expect(evaluation.tests?.preexistingFailures).toEqual(['publishes shared tags to the blog API']);
  });

  it('rejects a candidate that breaks a test that passed, naming that test only', async () => {
    const broken = fasterSharedTags.replace('return result;', 'return result.reverse();');
    const evaluation = await harness.evaluate({ source: broken, imports: [] });
    expect(evaluation).toMatchObject({ status: 'rejected', stage: 'tests' });
    const reason = (evaluation as Extract<Evaluation, { status: 'rejected' }>).reason;
    expect(reason).toContain('sharedTags keeps first-seen order without duplicates');
    expect(reason).not.toContain('publishes shared tags');
  });
});

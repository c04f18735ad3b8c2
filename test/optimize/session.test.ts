import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheKey, resolveStatePaths, type StatePaths } from '../../src/cache/index.js';
import type { OptimizeResult } from '../../src/optimize/index.js';
import { OptimizeSession, type OptimizeSettings } from '../../src/optimize/session.js';
import { exportTrajectories, readTrajectories } from '../../src/trajectory/index.js';
import { type FakeAnthropic, type MessagesRequest, startFakeAnthropic } from '../helpers/fake-anthropic.js';
import { type FixtureHarness, openFixtureHarness } from './fixture-harness.js';
import {
  featuredSet,
  js,
  newDependency,
  reordersLarge,
  withBuiltinImport,
} from './shared-tags-candidates.js';

const promptOf = (request: MessagesRequest) =>
  [request.system ?? '', ...request.messages.map((m) => m.content)].join('\n');

/** Iteration 1: a differential mismatch, a new dependency, a rewrite with a built-in import; then repeats. */
function scripted(request: MessagesRequest, nth: number): string {
  if (promptOf(request).includes('isDeepStrictEqual')) return js(withBuiltinImport);
  return [js(reordersLarge), js(newDependency), js(withBuiltinImport)][nth % 3] as string;
}

describe('an optimize session (Anthropic wire format): imports, cache and trajectory', () => {
  let fixture: FixtureHarness;
  let model: FakeAnthropic;
  let settings: OptimizeSettings & { repo: string; runId: string; state: StatePaths };
  let stateDir: string;
  let first: OptimizeResult;
  let second: OptimizeResult;
  let requestsAfterFirst: number;

  beforeAll(async () => {
    fixture = await openFixtureHarness('tagged-posts', 'sharedTags');
    model = await startFakeAnthropic(scripted);
    stateDir = await mkdtemp(join(tmpdir(), 'afterburner-state-'));
    settings = {
      repo: fixture.repo,
      state: await resolveStatePaths({ repo: fixture.repo, stateDir }),
      runId: 'run-1',
      provider: 'anthropic',
      model: 'claude-test',
      baseUrl: model.baseUrl,
      apiKey: 'sk-ant-test',
      rules: 'off',
      iterations: 2,
      candidates: 3,
      minSpeedup: 0.1,
    };
    const session = new OptimizeSession(settings);
    first = await session.optimize({
      target: fixture.target,
      evaluator: fixture.harness,
      projectDir: fixture.headDir,
      evidence: fixture.evidence,
    });
    requestsAfterFirst = model.requests.length;
    const again = new OptimizeSession({ ...settings, runId: 'run-2' });
    second = await again.optimize({
      target: fixture.target,
      evaluator: fixture.harness,
      projectDir: fixture.headDir,
      evidence: fixture.evidence,
    });
  }, 300_000);

  afterAll(async () => {
    await model?.close();
    await fixture?.dispose();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('verifies a candidate together with the import it declares', () => {
    expect(first.best?.source).toBe(withBuiltinImport.split('\n\n').slice(1).join('\n\n'));
    expect(first.best?.imports).toEqual(["import { isDeepStrictEqual } from 'node:util';"]);
    expect(first.best?.evaluation.edits.imports?.replacement).toContain(
      "import { isDeepStrictEqual } from 'node:util';",
    );
  });

  it('rejects a new third-party dependency as a format error', () => {
    const attempt = first.attempts.find((a) => a.iteration === 1 && a.candidate === 2);
    expect(attempt).toMatchObject({
      status: 'format-error',
      verdict: 'not-run',
      check: 'dependency',
      reason: 'format error: new dependency lodash.uniq',
    });
  });

  it('shows the differential mismatch (input, expected, got) to the model in the next prompt', () => {
    const mismatch = first.attempts.find((a) => a.iteration === 1 && a.candidate === 1);
    expect(mismatch?.status).toBe('rejected');
    expect(mismatch?.verdict).toBe('differs');
    expect(mismatch?.difference?.expected).toBeTruthy();
    const next = model.requests.map(promptOf).find((p) => p.includes('isDeepStrictEqual'));
    expect(next).toMatch(
      /candidate 1 \(model [^)]+\): differs on a recorded call: its .* on recorded call \d+\n\s+input: .+\n\s+expected: .+\n\s+actual: /,
    );
    expect(next).toContain('format error: new dependency lodash.uniq');
  });

  it('serves the second run from the cache with zero requests, re-verifying the candidate', () => {
    expect(requestsAfterFirst).toBeGreaterThan(0);
    expect(model.requests).toHaveLength(requestsAfterFirst);
    expect(second.fromCache).toBe(true);
    expect(second.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(second.best?.source).toBe(first.best?.source);
    expect(second.best?.imports).toEqual(first.best?.imports);
    expect(second.best?.evaluation.status).toBe('verified');
  });

  it('writes a trajectory log that exports to SFT, DPO and GRPO records', async () => {
    const dir = settings.state.trajectories?.path ?? '';
    expect(dir.startsWith(stateDir)).toBe(true);
    const files = await readdir(dir);
    expect(files.filter((f) => f.endsWith('-run-1.jsonl'))).toHaveLength(1);
    const { entries, badLines } = await readTrajectories(dir);
    expect(badLines).toBe(0);
    const firstIteration = entries.find((e) => e.iteration === 1);
    expect(firstIteration).toMatchObject({
      targetId: fixture.target.id,
      provider: 'anthropic',
      model: 'claude-test',
    });
    expect(firstIteration?.promptTokensEstimate).toBeGreaterThan(100);
    expect(firstIteration?.candidates.map((c) => [c.status, c.stage, c.passed, c.kept])).toEqual([
      ['rejected', 'differential', false, false],
      ['format-error', 'format', false, false],
      ['verified', undefined, true, true],
    ]);

    const sft = exportTrajectories(entries, 'sft');
    expect(sft).toHaveLength(1);
    expect(sft[0]).toMatchObject({ messages: [{ role: 'system' }, { role: 'user' }, { role: 'assistant' }] });
    expect(JSON.stringify(sft[0])).toContain('isDeepStrictEqual');

    const dpo = exportTrajectories(entries, 'dpo');
    expect(dpo).toHaveLength(2);
    for (const pair of dpo) {
      expect(pair).toMatchObject({ chosen: [{ content: js(withBuiltinImport) }] });
    }

    const [group] = exportTrajectories(entries, 'grpo');
    const rewards = group && 'completions' in group ? group.completions.map((c) => c.reward) : [];
    expect(rewards.slice(0, 2)).toEqual([-1, -1]);
    expect(rewards[2]).toBeGreaterThan(0.5);
    expect(rewards[2]).toBeLessThanOrEqual(0.5 + 0.5 * Math.tanh(1));
  });

  it('keys the cache on the target, the settings, the tests and the recorded calls', async () => {
    const cacheDir = settings.state.cache?.path ?? '';
    const entries = await readdir(cacheDir);
    expect(entries.filter((e) => e.endsWith('.json'))).toHaveLength(1);
    const cached = JSON.parse(await readFile(join(cacheDir, entries[0] as string), 'utf8'));
    expect(cached).toMatchObject({ targetId: fixture.target.id, best: { iteration: 1 } });
    expect(cached.best.answer).toContain('isDeepStrictEqual');
    const evidence = { tests: 'a'.repeat(64), calls: 'b'.repeat(64) };
    const key = (config: Record<string, unknown>, source = fixture.target.source, proof = evidence) =>
      cacheKey({
        target: { ...fixture.target, source },
        config,
        provider: { name: 'anthropic', model: 'm' },
        evidence: proof,
      });
    expect(key({ iterations: 2, candidates: 3 })).toBe(key({ candidates: 3, iterations: 2 }));
    expect(key({ iterations: 2, candidates: 3 })).not.toBe(key({ iterations: 2, candidates: 4 }));
    expect(key({ iterations: 2 })).not.toBe(key({ iterations: 2 }, featuredSet));
    expect(key({})).not.toBe(key({}, undefined, { ...evidence, tests: 'c'.repeat(64) }));
    expect(key({})).not.toBe(key({}, undefined, { ...evidence, calls: 'c'.repeat(64) }));
  });

  it('keeps nothing inside the repository', async () => {
    await expect(readdir(join(fixture.repo, '.afterburner'))).rejects.toThrow(/ENOENT/);
  });
});

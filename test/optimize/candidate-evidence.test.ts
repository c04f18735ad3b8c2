import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Evaluation, TestRun } from '../../src/harness/types.js';
import {
  candidateReasonLines,
  evidenceOfEvaluation,
  feedbackText,
  maxReasonChars,
} from '../../src/optimize/candidate-evidence.js';
import { runReview } from '../../src/run.js';

const failedRun = (failures: { name: string; message: string }[], preexisting: string[] = []): TestRun => ({
  command: 'npm test',
  outcome: 'failed',
  passed: false,
  durationMs: 10,
  outputTail: '',
  failures,
  failedCount: failures.length,
  passedCount: 3,
  preexistingFailures: preexisting,
});

describe('the evidence kept for one candidate', () => {
  it('names only the tests the candidate broke, each with its first assertion lines, bounded', () => {
    const failures = [
      { name: 'already red', message: 'fails on the original too' },
      ...Array.from({ length: 14 }, (_, i) => ({
        name: `case ${i + 1}`,
        message: `expected ${i}\n${'x'.repeat(900)}`,
      })),
    ];
    const evaluation: Evaluation = {
      status: 'rejected',
      stage: 'tests',
      reason: `tests failed:\n${'y'.repeat(10_000)}`,
      tests: failedRun(failures, ['already red']),
    };
    const evidence = evidenceOfEvaluation(evaluation);
    expect(evidence.verdict).toBe('tests-failed');
    expect(evidence.failingTests?.map((t) => t.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `case ${i + 1}`),
    );
    expect(evidence.failingTests?.[0]?.message.length).toBeLessThan(700);
    expect(evidence.reason?.length).toBeLessThan(maxReasonChars + 40);
    const lines = candidateReasonLines({ iteration: 1, candidate: 2, source: 'model m', ...evidence });
    expect(lines[0]).toBe('tests failed: 10 tests that pass on the original');
    expect(lines[1]).toMatch(/^case 1: expected 0 ⏎ x+/);
    expect(lines.at(-1)).toBe('and 7 more');
  });

  it('keeps the differing call as data and shows it as input, expected and actual', () => {
    const difference = {
      call: 0,
      what: 'thrown error',
      input: '[1,2]',
      expected: '3',
      actual: 'throws TypeError: x',
    };
    const evidence = evidenceOfEvaluation({
      status: 'rejected',
      stage: 'differential',
      reason: 'differs',
      difference,
    });
    expect(evidence).toEqual({ verdict: 'differs', reason: 'differs', difference });
    expect(feedbackText({ iteration: 2, candidate: 1, source: 'rule set-membership', ...evidence })).toBe(
      'Iteration 2, candidate 1 (rule set-membership): differs on a recorded call: its thrown error on recorded call 1\n' +
        'input: [1,2]\nexpected: 3\nactual: throws TypeError: x',
    );
  });

  it('keeps the interval of a correct candidate that was not faster', () => {
    const evidence = evidenceOfEvaluation({
      status: 'rejected',
      stage: 'not-faster',
      reason: 'correct, but not significantly faster: 1.04x [0.98, 1.1] does not clear 1.100x',
      benchmark: {
        calls: 4,
        repeats: 10,
        rounds: 30,
        originalMedianNs: 1000,
        candidateMedianNs: 960,
        estimate: { speedup: 1.04, low: 0.98, high: 1.1, confidence: 0.95, resamples: 2000 },
        verdict: 'inconclusive',
      },
    });
    expect(evidence.estimate).toEqual({ speedup: 1.04, low: 0.98, high: 1.1, confidence: 0.95 });
    expect(candidateReasonLines({ iteration: 1, candidate: 1, source: 'model m', ...evidence })).toEqual([
      'correct but not faster: 1.04×, 95% CI 0.98–1.10×',
      'correct, but not significantly faster: 1.04x [0.98, 1.1] does not clear 1.100x',
    ]);
  });
});

describe('the run report', () => {
  it('does not list changed test files as functions not optimized', async () => {
    const state = await mkdtemp(join(tmpdir(), 'afterburner-state-'));
    try {
      const report = await runReview({
        repo: process.cwd(),
        base: 'HEAD',
        provider: 'rules',
        iterations: 1,
        candidates: 1,
        minSpeedup: 0.1,
        sandbox: 'process',
        images: { image: 'unused', pythonImage: 'unused', images: {} },
        stateDir: state,
        detection: {
          mergeBase: 'a'.repeat(40),
          headSha: 'b'.repeat(40),
          targets: [],
          skipped: [
            { path: 'test/posts.test.js', reason: 'test file' },
            { path: 'dist/index.js', reason: 'generated or vendored code (dist/)' },
          ],
        },
      });
      expect(report.skipped).toEqual([
        { path: 'dist/index.js', reason: 'generated or vendored code (dist/)', stage: 'detect' },
      ]);
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });
});

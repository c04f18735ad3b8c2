import { describe, expect, it } from 'vitest';
import { computeReward, rewardOf, rewardRequestSchema } from '../../src/serve/reward.js';

describe('computeReward', () => {
  it('gives +0.5 and 0.5·tanh(relative gain) when both pass and the candidate improved', () => {
    // 2 s → 1 s: relative gain 0.5; 0.5 + 0.5 · tanh(0.5) + 0.1 = 0.5 + 0.231058579 + 0.1
    const reward = computeReward({
      originalPassed: true,
      candidatePassed: true,
      originalMetric: 2,
      candidateMetric: 1,
      formatOk: true,
    });
    expect(reward.correctness).toBe(0.5);
    expect(reward.improvement).toBeCloseTo(0.231058579, 8);
    expect(reward.format).toBe(0.1);
    expect(reward.reward).toBeCloseTo(0.831058579, 8);
  });

  it('gives no improvement term to a slower candidate, and clips the gain at 1', () => {
    const slower = computeReward({
      originalPassed: true,
      candidatePassed: true,
      originalMetric: 1,
      candidateMetric: 1.5,
      formatOk: true,
    });
    expect(slower).toEqual({ reward: 0.6, correctness: 0.5, improvement: 0, format: 0.1 });
    // A candidate measured at 0: gain 1, 0.5 · tanh(1) = 0.380797078; no format term.
    const instant = computeReward({
      originalPassed: true,
      candidatePassed: true,
      originalMetric: 3,
      candidateMetric: 0,
      formatOk: false,
    });
    expect(instant.reward).toBeCloseTo(0.880797078, 8);
  });

  it('scores correctness changes without an improvement term', () => {
    const base = { originalMetric: 2, candidateMetric: 1, formatOk: true };
    expect(computeReward({ ...base, originalPassed: false, candidatePassed: true }).reward).toBeCloseTo(
      1.1,
      12,
    );
    expect(computeReward({ ...base, originalPassed: true, candidatePassed: false }).reward).toBeCloseTo(
      -0.9,
      12,
    );
    expect(computeReward({ ...base, originalPassed: false, candidatePassed: false }).reward).toBeCloseTo(
      -0.4,
      12,
    );
    expect(
      computeReward({ originalPassed: true, candidatePassed: false, formatOk: false, formatWeight: 0.3 })
        .reward,
    ).toBe(-1);
  });

  it('takes the format weight from the input', () => {
    const reward = computeReward({
      originalPassed: false,
      candidatePassed: false,
      formatOk: true,
      formatWeight: 0.25,
    });
    expect(reward).toEqual({ reward: -0.25, correctness: -0.5, improvement: 0, format: 0.25 });
  });
});

describe('POST /reward body', () => {
  it('reads the metric from output_dict field names (memory: peak_memory)', () => {
    const request = rewardRequestSchema.parse({
      metric: 'memory',
      original: { passed: true, duration: 1, peak_memory: 1000 },
      candidate: { passed: true, duration: 5, peak_memory: 750 },
      format_ok: true,
    });
    // 1000 → 750 KiB: gain 0.25; 0.5 + 0.5 · tanh(0.25) + 0.1 = 0.5 + 0.122459331 + 0.1
    expect(rewardOf(request).reward).toBeCloseTo(0.722459331, 8);
  });

  it('defaults to time and weight 0.1, and asks for the metric when both pass', () => {
    const request = rewardRequestSchema.parse({
      original: { passed: true, duration: 4 },
      candidate: { passed: true, duration: 3 },
      format_ok: false,
    });
    // gain 0.25 again, no format term
    expect(rewardOf(request).reward).toBeCloseTo(0.622459331, 8);
    const missing = rewardRequestSchema.safeParse({
      metric: 'integral',
      original: { passed: true, integral: 4 },
      candidate: { passed: true },
      format_ok: true,
    });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]?.path).toEqual(['candidate', 'integral']);
    expect(rewardRequestSchema.safeParse({ original: { passed: true }, format_ok: true }).success).toBe(
      false,
    );
  });
});

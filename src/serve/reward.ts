/**
 * The Afterburner paper's GRPO reward for one candidate against its original (docs/serve.md):
 *
 *   reward = correctness + improvement + format
 *   correctness = +0.5 both pass, +1 the candidate fixes a failing original, −1 it breaks a passing one,
 *                 −0.5 both fail
 *   improvement = 0.5 · tanh(clip((m_original − m_candidate) / m_original, 0, 1)), only when both pass
 *   format      = formatWeight when the answer came in the expected format, else 0
 *
 * m is the chosen metric (duration, peak memory or memory integral): lower is better, so only a candidate that
 * improved earns the improvement term, and a slower one is not punished beyond losing it.
 */
import { z } from 'zod';

export const rewardMetrics = ['time', 'memory', 'integral'] as const;
export type RewardMetric = (typeof rewardMetrics)[number];

export const defaultFormatWeight = 0.1;

/** One side's result, in the field names of an `output_dict` (duration s, peak_memory KiB, integral KiB·s). */
const sideSchema = z.object({
  passed: z.boolean(),
  duration: z.number().nonnegative().optional(),
  peak_memory: z.number().nonnegative().optional(),
  integral: z.number().nonnegative().optional(),
});

const metricField = { time: 'duration', memory: 'peak_memory', integral: 'integral' } as const;

export const rewardRequestSchema = z
  .object({
    metric: z.enum(rewardMetrics).default('time'),
    original: sideSchema,
    candidate: sideSchema,
    /** Whether the model's answer was in the expected format (e.g. one fenced code block). */
    format_ok: z.boolean(),
    format_weight: z.number().min(0).max(10).default(defaultFormatWeight),
  })
  .superRefine((request, context) => {
    if (!(request.original.passed && request.candidate.passed)) return;
    const field = metricField[request.metric];
    for (const side of ['original', 'candidate'] as const) {
      if (request[side][field] === undefined) {
        context.addIssue({
          code: 'custom',
          path: [side, field],
          message: `required when both pass and the metric is ${request.metric}`,
        });
      }
    }
  });

export type RewardRequest = z.output<typeof rewardRequestSchema>;

export interface RewardInput {
  originalPassed: boolean;
  candidatePassed: boolean;
  /** The chosen metric's value for each side (lower is better); needed only when both pass. */
  originalMetric?: number;
  candidateMetric?: number;
  formatOk: boolean;
  formatWeight?: number;
}

export interface Reward {
  reward: number;
  correctness: number;
  improvement: number;
  format: number;
}

export function computeReward(input: RewardInput): Reward {
  const { originalPassed, candidatePassed } = input;
  const correctness =
    originalPassed && candidatePassed ? 0.5 : candidatePassed ? 1 : originalPassed ? -1 : -0.5;
  let improvement = 0;
  const { originalMetric: before, candidateMetric: after } = input;
  if (originalPassed && candidatePassed && before !== undefined && after !== undefined && before > 0) {
    const relative = Math.min(1, Math.max(0, (before - after) / before));
    improvement = 0.5 * Math.tanh(relative);
  }
  const format = input.formatOk ? (input.formatWeight ?? defaultFormatWeight) : 0;
  return { reward: correctness + improvement + format, correctness, improvement, format };
}

/** The `POST /reward` body, validated, to the reward and its terms. */
export function rewardOf(request: RewardRequest): Reward {
  const field = metricField[request.metric];
  return computeReward({
    originalPassed: request.original.passed,
    candidatePassed: request.candidate.passed,
    originalMetric: request.original[field],
    candidateMetric: request.candidate[field],
    formatOk: request.format_ok,
    formatWeight: request.format_weight,
  });
}

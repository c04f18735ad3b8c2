import type { ChatMessage } from '../providers/types.js';
import type { TrajectoryCandidate, TrajectoryEntry } from './types.js';

export type ExportFormat = 'sft' | 'dpo' | 'grpo';
export const exportFormats: readonly ExportFormat[] = ['sft', 'dpo', 'grpo'];

interface Metadata {
  targetId: string;
  runId: string;
  iteration: number;
  instruction: string;
  model: string;
}

export type ExportRecord =
  | { messages: ChatMessage[]; metadata: Metadata & { speedup: number } }
  | { prompt: ChatMessage[]; chosen: ChatMessage[]; rejected: ChatMessage[]; metadata: Metadata }
  | {
      prompt: ChatMessage[];
      completions: { content: string; reward: number; passed: boolean; stage?: string; speedup?: number }[];
      metadata: Metadata;
    };

const assistant = (content: string): ChatMessage[] => [{ role: 'assistant', content }];

function metadataOf(entry: TrajectoryEntry): Metadata {
  const { targetId, runId, iteration, instruction, model } = entry;
  return { targetId, runId, iteration, instruction, model };
}

const verified = (c: TrajectoryCandidate) => c.status === 'verified' && c.metrics !== undefined;

/**
 * The paper's GRPO reward, against the code the prompt showed (which always passed): +0.5 when the candidate
 * passes too, −1 when it breaks (fails tests, differs, or is not code); plus, when positive, 0.5 × tanh of the
 * relative improvement on time, clipped to [0, 1].
 */
export function rewardOf(candidate: TrajectoryCandidate, currentSpeedup: number): number {
  if (!candidate.passed) return -1;
  const speedup = candidate.metrics?.speedup;
  if (speedup === undefined) return 0.5;
  const improvement = Math.min(1, Math.max(0, speedup / currentSpeedup - 1));
  return 0.5 + 0.5 * Math.tanh(improvement);
}

function preferencePairs(entry: TrajectoryEntry): ExportRecord[] {
  const candidates = entry.candidates.filter((c) => c.status !== 'duplicate');
  const records: ExportRecord[] = [];
  for (const chosen of candidates.filter(verified)) {
    const low = chosen.metrics?.low ?? Number.POSITIVE_INFINITY;
    // "Rejected" is a failing candidate, or a measured one whose speedup is below the chosen one's interval.
    for (const rejected of candidates) {
      if (rejected === chosen || rejected.answer === chosen.answer) continue;
      const slower = rejected.metrics !== undefined && rejected.metrics.speedup < low;
      if (rejected.passed && !slower) continue;
      records.push({
        prompt: entry.messages,
        chosen: assistant(chosen.answer),
        rejected: assistant(rejected.answer),
        metadata: metadataOf(entry),
      });
    }
  }
  return records;
}

/** Turns trajectory entries into training records: SFT (verified answers), DPO pairs, GRPO groups. */
export function exportTrajectories(entries: TrajectoryEntry[], format: ExportFormat): ExportRecord[] {
  const records: ExportRecord[] = [];
  for (const entry of entries) {
    if (format === 'sft') {
      for (const candidate of entry.candidates.filter(verified)) {
        records.push({
          messages: [...entry.messages, ...assistant(candidate.answer)],
          metadata: { ...metadataOf(entry), speedup: candidate.metrics?.speedup ?? 1 },
        });
      }
    } else if (format === 'dpo') {
      records.push(...preferencePairs(entry));
    } else {
      const group = entry.candidates.filter((c) => c.status !== 'duplicate');
      if (group.length === 0) continue;
      const currentSpeedup = entry.current?.speedup ?? 1;
      records.push({
        prompt: entry.messages,
        completions: group.map((c) => ({
          content: c.answer,
          reward: rewardOf(c, currentSpeedup),
          passed: c.passed,
          ...(c.stage ? { stage: c.stage } : {}),
          ...(c.metrics ? { speedup: c.metrics.speedup } : {}),
        })),
        metadata: metadataOf(entry),
      });
    }
  }
  return records;
}

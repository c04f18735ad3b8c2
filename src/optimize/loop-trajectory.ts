import type { Target } from '../detect/types.js';
import { headlineEstimate } from '../harness/scaled-benchmark.js';
import type { Benchmark } from '../harness/types.js';
import type { ChatMessage, Provider, TokenUsage } from '../providers/types.js';
import type { CandidateMetrics, TrajectoryCandidate, TrajectorySink } from '../trajectory/types.js';
import type { Instruction } from './metric.js';
import { estimateTokens } from './prompt.js';

export function metricsOf(benchmark: Benchmark | undefined): CandidateMetrics | undefined {
  if (!benchmark) return undefined;
  const { speedup, low, high } = headlineEstimate(benchmark);
  return {
    speedup,
    low,
    high,
    originalMedianNs: benchmark.originalMedianNs,
    candidateMedianNs: benchmark.candidateMedianNs,
    verdict: benchmark.verdict,
  };
}

/** One iteration of the loop as the trajectory log keeps it: the prompt, the reply's usage and its candidates. */
export async function recordIteration(
  trajectory: { sink: TrajectorySink; runId: string },
  step: {
    target: Target;
    instruction: Instruction;
    iteration: number;
    source: Provider;
    messages: ChatMessage[];
    usage: TokenUsage;
    currentBenchmark: Benchmark | undefined;
    candidates: TrajectoryCandidate[];
  },
): Promise<void> {
  const { target, instruction, iteration, source, messages, currentBenchmark, candidates } = step;
  const promptText = messages.map((m) => m.content).join('\n');
  await trajectory.sink.record({
    schemaVersion: 1,
    runId: trajectory.runId,
    time: new Date().toISOString(),
    targetId: target.id,
    path: target.path,
    name: target.name,
    language: target.language,
    instruction,
    iteration,
    provider: source.name,
    model: source.model,
    messages,
    promptChars: promptText.length,
    promptTokensEstimate: estimateTokens(promptText),
    usage: step.usage,
    current: metricsOf(currentBenchmark),
    candidates,
  });
}

import type { ReviewOptions } from '../run.js';
import type { RunConfig } from './run-config.js';

/** What the CLI and the Action both hand the pipeline from a resolved configuration; each adds its own context. */
export type PipelineSettings = Omit<
  ReviewOptions,
  'repo' | 'base' | 'head' | 'detection' | 'progress' | 'apiKey' | 'stateDir' | 'cacheDir'
>;

export function pipelineOptions(config: RunConfig): PipelineSettings {
  const { detect, sandbox, verify, optimize } = config;
  return {
    provider: optimize.provider,
    model: optimize.model,
    baseUrl: optimize.baseUrl,
    instruction: optimize.instruction,
    rules: optimize.rules,
    iterations: optimize.iterations,
    candidates: optimize.candidates,
    budget: optimize.budget,
    price: optimize.price,
    requestTimeoutMs: optimize.requestTimeoutMs,
    modelTimeMs: optimize.modelTimeMs,
    concurrency: optimize.concurrency,
    sampling: optimize.sampling,
    minSpeedup: verify.minSpeedup,
    rounds: verify.rounds,
    scale: verify.scale,
    repoBenchSeconds: verify.repoBenchSeconds,
    measure: verify.measure,
    sandbox: sandbox.mode,
    images: sandbox,
    testCommand: sandbox.testCommand,
    setupCommand: sandbox.setupCommand,
    detect: {
      include: detect.include,
      exclude: detect.exclude,
      ...(detect.languages ? { languages: detect.languages } : {}),
      ...(detect.maxFunctionLines !== undefined ? { maxFunctionLines: detect.maxFunctionLines } : {}),
      ...(detect.testFiles ? { testFiles: detect.testFiles } : {}),
    },
    maxFunctions: detect.maxFunctions,
  };
}

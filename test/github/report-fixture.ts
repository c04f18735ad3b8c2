import type { RunReport, SuggestionReport } from '../../src/report/types.js';

/** A suggestion with fixed, plausible measurements (the numbers are data here; the pipeline makes real ones). */
export function suggestionFor(input: {
  path: string;
  name: string;
  startLine: number;
  endLine: number;
  original: string;
  replacement: string;
  speedup?: number;
  importEdit?: SuggestionReport['importEdit'];
}): SuggestionReport {
  const speedup = input.speedup ?? 1.8;
  return {
    path: input.path,
    name: input.name,
    language: 'javascript',
    startLine: input.startLine,
    endLine: input.endLine,
    original: input.original,
    replacement: input.replacement,
    ...(input.importEdit ? { importEdit: input.importEdit } : {}),
    benchmark: {
      calls: 12,
      repeats: 40,
      rounds: 30,
      originalMedianNs: 1_800_000,
      candidateMedianNs: 1_800_000 / speedup,
      estimate: { speedup, low: speedup - 0.2, high: speedup + 0.2, confidence: 0.95, resamples: 2000 },
      verdict: 'faster',
    } as SuggestionReport['benchmark'],
    tests: {
      command: 'npm test',
      outcome: 'ok',
      passed: true,
      durationMs: 800,
      outputTail: '',
    },
    differentialCalls: 12,
    iteration: 1,
  };
}

export function reportWith(suggestions: SuggestionReport[], headSha: string): RunReport {
  return {
    schemaVersion: 1,
    tool: { name: 'afterburner', version: '0.1.0' },
    base: 'main',
    head: headSha,
    mergeBase: '0'.repeat(40),
    headSha,
    sandbox: {
      kind: 'docker',
      isolated: true,
      description: 'Docker (afterburner-sandbox:bookworm), network off',
    },
    provider: { name: 'rules', model: 'catalog' },
    settings: { iterations: 2, candidates: 2, minSpeedup: 0.1 },
    functionsAnalysed: suggestions.length + 1,
    suggestions,
    skipped: [
      { path: 'src/big.js', name: 'parse', startLine: 3, stage: 'prepare', reason: 'no test reaches it' },
    ],
    usage: { inputTokens: 0, outputTokens: 0 },
    notices: [],
  };
}

export {
  addedCapabilities,
  allowedSideEffects,
  type Capability,
  type CapabilityKind,
  capabilities,
  capabilitiesOf,
  capabilityCheck,
  capabilityReason,
} from './capabilities.js';
export { type StoredSuggestion, storedSuggestionProblem } from './check-suggestion.js';
export {
  newDependencyOf,
  noDependencies,
  type ProjectDependencies,
  type ProjectFiles,
  projectDependencies,
  readProjectDependencies,
} from './dependencies.js';
export { checkCandidateCode, type Extraction, extractCandidate } from './extract.js';
export { bestPerIteration, optimizeTarget } from './loop.js';
export type { Attempt, BestCandidate, OptimizeOptions, OptimizeResult } from './loop-types.js';
export { type Instruction, instructions, metricOf } from './metric.js';
export { buildPrompt, defaultPromptTokens, estimateTokens, type PromptInput } from './prompt.js';

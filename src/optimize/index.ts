export { type Extraction, extractCandidate } from './extract.js';
export {
  type Attempt,
  type BestCandidate,
  type OptimizeOptions,
  type OptimizeResult,
  optimizeTarget,
} from './loop.js';
export { buildPrompt, type PromptInput } from './prompt.js';

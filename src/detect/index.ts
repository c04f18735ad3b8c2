export { defaultMaxFunctionLines, detectChangedFunctions } from './detect.js';
export { detectAllFunctions } from './detect-all.js';
export { defaultTestFileGlobs } from './file-filters.js';
export { allLanguages } from './languages/index.js';
export type {
  DetectAllOptions,
  DetectFilterOptions,
  DetectOptions,
  DetectResult,
  Language,
  SkippedTarget,
  Target,
  TargetKind,
  TargetMember,
} from './types.js';

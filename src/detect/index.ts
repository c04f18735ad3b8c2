export { defaultMaxFunctionLines, detectChangedFunctions } from './detect.js';
export type {
  DetectOptions,
  DetectResult,
  Language,
  SkippedTarget,
  Target,
  TargetKind,
  TargetMember,
} from './types.js';

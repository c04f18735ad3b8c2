export {
  type ExportFormat,
  type ExportRecord,
  exportFormats,
  exportTrajectories,
  rewardOf,
} from './export.js';
export { JsonlTrajectoryLog, readTrajectories } from './jsonl-log.js';
export type { CandidateMetrics, TrajectoryCandidate, TrajectoryEntry, TrajectorySink } from './types.js';

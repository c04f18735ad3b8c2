export {
  type CachedOutcome,
  type CacheKeyInput,
  cacheKey,
  ResultCache,
} from './result-cache.js';
export { UnsafeStatePathError } from './safe-fs.js';
export {
  actionStateRoot,
  repositoryKey,
  resolveStatePaths,
  StateLocation,
  type StatePathOptions,
  type StatePaths,
  userStateRoot,
} from './state-dir.js';

export {
  type CachedOutcome,
  type CacheKeyInput,
  cacheKey,
  defaultCacheDir,
  ResultCache,
} from './result-cache.js';

import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Target } from '../detect/types.js';
import type { TokenUsage } from '../providers/types.js';

/** What a finished optimization of one target left behind: enough to skip the model next time. */
export interface CachedOutcome {
  schemaVersion: 1;
  key: string;
  targetId: string;
  createdAt: string;
  /** The best verified candidate; it is re-verified (no tokens) before it is suggested again. */
  best?: { source: string; imports: string[]; iteration: number };
  /** Why no suggestion came out, when none did. */
  outcome: string;
  /** What the original run spent, for the record. */
  usage: TokenUsage;
}

export interface CacheKeyInput {
  target: Pick<Target, 'path' | 'name' | 'language' | 'source' | 'context'>;
  /** Everything about the run that changes what the loop would produce (instruction, N, k, threshold…). */
  config: Record<string, unknown>;
  provider: { name: string; model: string; baseUrl?: string };
}

/** Default location, relative to the repository; the Action persists it between runs with @actions/cache. */
export const defaultCacheDir = join('.afterburner', 'cache');

/** Stable JSON: object keys sorted, so the same settings always hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function cacheKey(input: CacheKeyInput): string {
  const { path, name, language, source, context } = input.target;
  const material = canonical({
    target: { path, name, language, source, context },
    config: input.config,
    provider: input.provider,
  });
  return createHash('sha256').update(material).digest('hex');
}

/** One JSON file per key; a missing, unreadable or foreign file is a miss, never an error. */
export class ResultCache {
  constructor(readonly dir: string) {}

  private fileOf(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  async get(key: string): Promise<CachedOutcome | undefined> {
    try {
      const entry = JSON.parse(await readFile(this.fileOf(key), 'utf8')) as CachedOutcome;
      return entry.schemaVersion === 1 && entry.key === key ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  async set(entry: CachedOutcome): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    // Write then rename, so a concurrent reader never sees half a file.
    const temporary = join(this.dir, `.${entry.key}.${randomUUID()}.tmp`);
    await writeFile(temporary, `${JSON.stringify(entry, null, 2)}\n`);
    await rename(temporary, this.fileOf(entry.key));
  }
}

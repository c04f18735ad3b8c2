import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Target } from '../detect/types.js';
import type { TestEvidence } from '../harness/types.js';
import type { TokenUsage } from '../providers/types.js';
import { readFileNoFollow, writeFileAtomic } from './safe-fs.js';
import type { StateLocation } from './state-dir.js';

/** What a finished optimization of one target left behind: enough to skip the model next time. */
export interface CachedOutcome {
  schemaVersion: 2;
  key: string;
  targetId: string;
  createdAt: string;
  /** The tests and recorded calls the outcome was reached on; any change is a miss. */
  evidence: TestEvidence;
  /**
   * The model's answer that produced the best verified candidate. It is not trusted: it goes through extraction
   * and full verification again, like a fresh answer, before it is suggested.
   */
  best?: { answer: string; iteration: number };
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
  /** Hashes of the selected tests' text and of the calls recorded from them. */
  evidence: TestEvidence;
}

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
    schema: 2,
    target: { path, name, language, source, context },
    config: input.config,
    provider: input.provider,
    evidence: { tests: input.evidence.tests, calls: input.evidence.calls },
  });
  return createHash('sha256').update(material).digest('hex');
}

function sameEvidence(a: TestEvidence | undefined, b: TestEvidence): boolean {
  return !!a && a.tests === b.tests && a.calls === b.calls;
}

/**
 * One JSON file per key, in a directory outside the repository under review (see state-dir.ts); a missing,
 * unreadable or foreign file is a miss, never an error, and no file or directory is reached through a symlink.
 */
export class ResultCache {
  constructor(readonly location: StateLocation) {}

  private async fileOf(key: string): Promise<string> {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not a cache key: ${key}`);
    return join(await this.location.ensure(), `${key}.json`);
  }

  /** The entry under `key`, if it was reached on the same tests and recorded calls. */
  async get(key: string, evidence: TestEvidence): Promise<CachedOutcome | undefined> {
    try {
      const text = await readFileNoFollow(await this.fileOf(key));
      if (text === undefined) return undefined;
      const entry = JSON.parse(text) as CachedOutcome;
      if (entry.schemaVersion !== 2 || entry.key !== key || !sameEvidence(entry.evidence, evidence))
        return undefined;
      if (entry.best && typeof entry.best.answer !== 'string') return undefined;
      return entry;
    } catch {
      return undefined;
    }
  }

  async set(entry: CachedOutcome): Promise<void> {
    // Written then renamed, so a concurrent reader never sees half a file.
    await writeFileAtomic(await this.fileOf(entry.key), `${JSON.stringify(entry, null, 2)}\n`);
  }
}

import { detectChangedFunctions } from '../../src/detect/index.js';
import type { DetectOptions, DetectResult } from '../../src/detect/types.js';
import { createTempRepo, type FileChanges } from './git-fixture.js';

/** Commits `base`, then `head` on top, and detects between the two in a throwaway repository. */
export async function detectBetween(
  base: FileChanges,
  head: FileChanges,
  options: Partial<DetectOptions> = {},
): Promise<DetectResult> {
  const repo = await createTempRepo();
  try {
    const baseSha = await repo.commit(base, 'base');
    await repo.commit(head, 'head');
    return await detectChangedFunctions({ repo: repo.dir, base: baseSha, ...options });
  } finally {
    await repo.dispose();
  }
}

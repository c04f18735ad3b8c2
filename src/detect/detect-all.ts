import { analyzeBlob, fileSelection } from './detect.js';
import { assertWorkTree, listTree, resolveCommit, type TreeEntry } from './git.js';
import { type LanguageSupport, languageForPath } from './languages/index.js';
import { entrySkipReason, withBlobs } from './read-sources.js';
import type { DetectAllOptions, DetectResult } from './types.js';

/**
 * Every function of every eligible file at head (sweep mode): the same file and function skips as
 * `detectChangedFunctions` without the diff-related ones. Files in languages without a plug-in are left out
 * without a skip entry, since a whole repository may hold thousands of them. `changedLines` is empty and
 * `mergeBase` equals `headSha`.
 */
export async function detectAllFunctions(options: DetectAllOptions): Promise<DetectResult> {
  const { repo } = options;
  await assertWorkTree(repo);
  const headSha = await resolveCommit(repo, options.head ?? 'HEAD');
  const selection = fileSelection(options);
  const result: DetectResult = { mergeBase: headSha, headSha, targets: [], skipped: [] };

  const pending: { path: string; language: LanguageSupport; head: TreeEntry & { object: string } }[] = [];
  for (const [path, entry] of [...(await listTree(repo, headSha))].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const language = languageForPath(path);
    if (!language) continue;
    const reason = selection.skipReason(path) ?? entrySkipReason(entry);
    if (reason) result.skipped.push({ path, reason });
    else if (entry.object) pending.push({ path, language, head: { ...entry, object: entry.object } });
  }

  await withBlobs(
    repo,
    pending,
    (p) => [p.head],
    async (p, blobs) => {
      const found = await analyzeBlob({ ...p, blobs, maxFunctionLines: selection.maxFunctionLines });
      result.targets.push(...found.targets);
      result.skipped.push(...found.skipped);
    },
  );
  return result;
}

import { type AnalyzeFileInput, analyzeFile, type FileResult } from './analyze-file.js';
import type { ChangedFile } from './diff.js';
import { parseGitDiff } from './diff.js';
import { createPathFilter, extensionOf, hasGeneratedMarker, isCodeFile } from './file-filters.js';
import { assertWorkTree, diffText, mergeBase, resolveCommit, type TreeEntry, treeEntries } from './git.js';
import { allLanguages, type LanguageSupport, languageForPath } from './languages/index.js';
import { decodeSource, entrySkipReason, withBlobs } from './read-sources.js';
import type { DetectFilterOptions, DetectOptions, DetectResult } from './types.js';

export const defaultMaxFunctionLines = 200;

interface PendingFile {
  file: ChangedFile;
  language: LanguageSupport;
  head: TreeEntry & { object: string };
  base?: TreeEntry & { object: string };
}

/** The checks both detection modes apply to a path before reading it. */
export function fileSelection(options: DetectFilterOptions) {
  const pathReason = createPathFilter(options);
  const enabled = new Set(options.languages ?? allLanguages);
  return {
    maxFunctionLines: options.maxFunctionLines ?? defaultMaxFunctionLines,
    /** Why `path` is not analyzed; `null` when it is not code at all and deserves no mention. */
    skipReason(path: string): string | null | undefined {
      const language = languageForPath(path);
      if (!language && !isCodeFile(path)) return null;
      const reason = pathReason(path);
      if (reason) return reason;
      if (!language) return `unsupported language (${extensionOf(path)})`;
      if (!enabled.has(language.language)) return `language not enabled (${language.language})`;
      return undefined;
    },
  };
}

/** Reads, decodes and analyzes one file whose blobs are in `blobs`; never throws. */
export async function analyzeBlob(input: {
  path: string;
  language: LanguageSupport;
  head: { object: string };
  base?: { object: string; path: string };
  blobs: Map<string, Buffer>;
  change?: ChangedFile;
  maxFunctionLines: number;
}): Promise<FileResult> {
  const { path } = input;
  const skip = (reason: string): FileResult => ({ targets: [], skipped: [{ path, reason }] });
  try {
    const bytes = input.blobs.get(input.head.object);
    if (!bytes) return skip('could not read the file from git');
    const decoded = decodeSource(bytes);
    if ('reason' in decoded) return skip(decoded.reason);
    if (hasGeneratedMarker(decoded.text)) return skip('generated code (@generated marker)');
    const analyze: AnalyzeFileInput = {
      path,
      language: input.language,
      text: decoded.text,
      maxFunctionLines: input.maxFunctionLines,
      ...(input.change ? { change: input.change } : {}),
    };
    const baseBytes = input.base ? input.blobs.get(input.base.object) : undefined;
    const baseDecoded = baseBytes ? decodeSource(baseBytes) : undefined;
    if (input.base && baseDecoded && 'text' in baseDecoded) {
      analyze.base = { text: baseDecoded.text, language: languageForPath(input.base.path) ?? input.language };
    }
    return await analyzeFile(analyze);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return skip(`could not analyze: ${message}`);
  }
}

/**
 * Finds the functions changed between merge-base(base, head) and head. Throws only for problems with the
 * repository or refs; anything wrong with a single file becomes a skip with a reason.
 */
export async function detectChangedFunctions(options: DetectOptions): Promise<DetectResult> {
  const { repo } = options;
  await assertWorkTree(repo);
  const baseSha = await resolveCommit(repo, options.base);
  const headSha = await resolveCommit(repo, options.head ?? 'HEAD');
  const base = await mergeBase(repo, baseSha, headSha);
  const files = parseGitDiff(await diffText(repo, base, headSha));
  const selection = fileSelection(options);

  const result: DetectResult = { mergeBase: base, headSha, targets: [], skipped: [] };
  const skip = (path: string, reason: string) => result.skipped.push({ path, reason });
  const candidates: { file: ChangedFile; language: LanguageSupport }[] = [];
  for (const file of files) {
    const reason = selection.skipReason(file.path);
    if (reason === null) continue;
    if (file.status === 'deleted') skip(file.path, 'file deleted');
    else if (file.status === 'binary') skip(file.path, 'binary file');
    // Pure renames and mode changes touch no line.
    else if (file.addedLines.length === 0 && file.deletionPoints.length === 0) continue;
    else if (reason) skip(file.path, reason);
    else {
      const language = languageForPath(file.path);
      if (language) candidates.push({ file, language });
    }
  }

  const headEntries = await treeEntries(
    repo,
    headSha,
    candidates.map((c) => c.file.path),
  );
  const baseEntries = await treeEntries(
    repo,
    base,
    candidates.filter((c) => c.file.status !== 'added').map((c) => c.file.oldPath),
  );
  const pending: PendingFile[] = [];
  for (const { file, language } of candidates) {
    const head = headEntries.get(file.path);
    const reason = entrySkipReason(head);
    if (reason || !head?.object) {
      skip(file.path, reason ?? 'not found in the head commit');
      continue;
    }
    const baseEntry = file.status === 'added' ? undefined : baseEntries.get(file.oldPath);
    // Without a usable base side, whitespace-only changes cannot be recognized; the function is still a target.
    const usableBase =
      baseEntry?.object && !entrySkipReason(baseEntry)
        ? { ...baseEntry, object: baseEntry.object }
        : undefined;
    pending.push({
      file,
      language,
      head: { ...head, object: head.object },
      ...(usableBase ? { base: usableBase } : {}),
    });
  }

  await withBlobs(
    repo,
    pending,
    (p) => [p.head, ...(p.base ? [p.base] : [])],
    async (p, blobs) => {
      const found = await analyzeBlob({
        path: p.file.path,
        language: p.language,
        head: p.head,
        ...(p.base ? { base: { object: p.base.object, path: p.file.oldPath } } : {}),
        blobs,
        change: p.file,
        maxFunctionLines: selection.maxFunctionLines,
      });
      result.targets.push(...found.targets);
      result.skipped.push(...found.skipped);
    },
  );
  return result;
}

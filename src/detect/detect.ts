import type { ChangedFile } from './diff.js';
import { parseGitDiff } from './diff.js';
import { extensionOf, hasGeneratedMarker, isCodeFile, pathSkipReason } from './file-filters.js';
import { assertWorkTree, diffText, mergeBase, readFileAt, resolveCommit, treeEntry } from './git.js';
import { languageForPath } from './languages/index.js';
import { selectChangedFunctions } from './select-changed.js';
import type { DetectOptions, DetectResult, SkippedTarget, Target } from './types.js';

export const defaultMaxFunctionLines = 200;

/** Larger files are almost always generated or data, and parsing them costs more than they are worth. */
const maxFileBytes = 1024 * 1024;

const symlinkMode = '120000';
const submoduleMode = '160000';

interface FileResult {
  targets: Target[];
  skipped: SkippedTarget[];
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

  const result: DetectResult = { mergeBase: base, headSha, targets: [], skipped: [] };
  const maxFunctionLines = options.maxFunctionLines ?? defaultMaxFunctionLines;
  for (const file of files) {
    let found: FileResult;
    try {
      found = await detectInFile({ repo, headSha, file, maxFunctionLines });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      found = { targets: [], skipped: [{ path: file.path, reason: `could not analyze: ${message}` }] };
    }
    result.targets.push(...found.targets);
    result.skipped.push(...found.skipped);
  }
  return result;
}

async function detectInFile(input: {
  repo: string;
  headSha: string;
  file: ChangedFile;
  maxFunctionLines: number;
}): Promise<FileResult> {
  const { repo, headSha, file } = input;
  const language = languageForPath(file.path);
  const none: FileResult = { targets: [], skipped: [] };
  const skip = (reason: string): FileResult => ({ targets: [], skipped: [{ path: file.path, reason }] });

  if (!language && !isCodeFile(file.path)) return none;
  if (file.status === 'deleted') return skip('file deleted');
  if (file.status === 'binary') return skip('binary file');
  // Pure renames and mode changes touch no line.
  if (file.addedLines.length === 0 && file.deletionPoints.length === 0) return none;
  const pathReason = pathSkipReason(file.path);
  if (pathReason) return skip(pathReason);
  if (!language) return skip(`unsupported language (${extensionOf(file.path)})`);

  const entry = await treeEntry(repo, headSha, file.path);
  if (!entry) return skip('not found in the head commit');
  if (entry.mode === symlinkMode) return skip('symbolic link');
  if (entry.mode === submoduleMode) return skip('submodule');
  if (entry.size > maxFileBytes) return skip(`file too large (${entry.size} bytes, limit ${maxFileBytes})`);
  const bytes = await readFileAt(repo, headSha, file.path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return skip('not valid UTF-8');
  }
  if (hasGeneratedMarker(text)) return skip('generated code (@generated marker)');

  const parsed = await language.parse(text);
  if (!parsed.ok) return skip(`syntax error at line ${parsed.syntaxErrorLine}`);

  // Line terminators are not part of a line's text, so CRLF files yield the same sources as LF files.
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const result: FileResult = { targets: [], skipped: [] };
  const usedIds = new Set<string>();
  for (const { fn, changedLines } of selectChangedFunctions(
    parsed.functions,
    file.addedLines,
    file.deletionPoints,
  )) {
    const where = { path: file.path, name: fn.name, startLine: fn.startLine, endLine: fn.endLine };
    const lineCount = fn.endLine - fn.startLine + 1;
    if (fn.unsafeReason) {
      result.skipped.push({ ...where, reason: fn.unsafeReason });
      continue;
    }
    if (lineCount > input.maxFunctionLines) {
      result.skipped.push({
        ...where,
        reason: `function too long (${lineCount} lines, limit ${input.maxFunctionLines})`,
      });
      continue;
    }
    let id = `${file.path}:${fn.name}`;
    if (usedIds.has(id)) id += `@L${fn.startLine}`;
    usedIds.add(id);
    result.targets.push({
      id,
      ...where,
      language: language.language,
      kind: fn.kind,
      source: lines.slice(fn.startLine - 1, fn.endLine).join('\n'),
      changedLines,
      ...(fn.exportName !== undefined ? { exportName: fn.exportName } : {}),
      async: fn.async,
      generator: fn.generator,
      ...(fn.member ? { member: fn.member } : {}),
      context: parsed.contextFor(fn),
    });
  }
  return result;
}

import type { ChangedFile } from './diff.js';
import type { FoundFunction, LanguageSupport, ParsedSource } from './languages/index.js';
import { type ChangedFunction, selectChangedFunctions } from './select-changed.js';
import type { SkippedTarget, Target } from './types.js';

export interface FileResult {
  targets: Target[];
  skipped: SkippedTarget[];
}

type ParsedOk = Extract<ParsedSource, { ok: true }>;

export interface AnalyzeFileInput {
  path: string;
  language: LanguageSupport;
  /** Head-side text. */
  text: string;
  /** What the diff changed; without it every function of the file is a target (sweep mode). */
  change?: ChangedFile;
  /** Base-side text and its plug-in, when the file existed there and could be read. */
  base?: { text: string; language: LanguageSupport };
  maxFunctionLines: number;
}

/** Finds the target functions of one file; problems with single functions become skips. */
export async function analyzeFile(input: AnalyzeFileInput): Promise<FileResult> {
  const { path, change } = input;
  const parsed = await input.language.parse(input.text);
  if (!parsed.ok)
    return { targets: [], skipped: [{ path, reason: `syntax error at line ${parsed.syntaxErrorLine}` }] };
  let baseParsed: ParsedOk | undefined;
  try {
    if (change && input.base) {
      const result = await input.base.language.parse(input.base.text);
      // A base that does not parse cannot be compared with; the head-side positions of deletions stand in.
      if (result.ok) baseParsed = result;
    }
    const baseByKey = baseParsed ? byKey(baseParsed.functions) : undefined;
    const selected: ChangedFunction[] = change
      ? selectChangedFunctions({
          functions: parsed.functions,
          addedLines: change.addedLines,
          deletionPoints: baseParsed ? [] : change.deletionPoints,
          alsoChanged: baseParsed
            ? counterpartsOfRemoved(baseParsed.functions, parsed.functions, change.removedLines)
            : [],
        })
      : parsed.functions.map((fn) => ({ fn, changedLines: [] }));
    return buildTargets(input, parsed, selected, (fn) => {
      if (!baseParsed || !baseByKey) return 'changed';
      const before = baseByKey.get(keysOf(parsed.functions).get(fn) ?? '');
      if (before === undefined) return 'changed';
      const [beforeText, afterText] = [baseParsed.textOf(before), parsed.textOf(fn)];
      // A line shared with a changed neighbour (`const a = …; const b = …;`) leaves b itself untouched.
      if (beforeText === afterText) return 'unchanged';
      // Walking syntax trees is the costliest step of detection: when the texts differ beyond whitespace and
      // neither side has comments or docstrings, the code itself changed.
      const documented = parsed.hasDocumentation(fn) || baseParsed.hasDocumentation(before);
      if (!documented && withoutWhitespace(beforeText) !== withoutWhitespace(afterText)) return 'changed';
      return baseParsed.tokensOf(before) === parsed.tokensOf(fn) ? 'layout' : 'changed';
    });
  } finally {
    parsed.dispose();
    baseParsed?.dispose();
  }
}

function buildTargets(
  input: AnalyzeFileInput,
  parsed: ParsedOk,
  selected: ChangedFunction[],
  /** `layout`: only comments or whitespace differ from the base side. */
  changeOf: (fn: FoundFunction) => 'changed' | 'layout' | 'unchanged',
): FileResult {
  const { path } = input;
  // Line terminators are not part of a line's text, so CRLF files yield the same sources as LF files.
  const lines = input.text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const result: FileResult = { targets: [], skipped: [] };
  const usedIds = new Set<string>();
  for (const { fn, changedLines } of selected) {
    const where = { path, name: fn.name, startLine: fn.startLine, endLine: fn.endLine };
    const lineCount = fn.endLine - fn.startLine + 1;
    const change = changeOf(fn);
    if (change === 'unchanged') continue;
    if (change === 'layout') {
      result.skipped.push({ ...where, reason: 'only comments or whitespace changed' });
      continue;
    }
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
    let id = `${path}:${fn.name}`;
    if (usedIds.has(id)) id += `@L${fn.startLine}`;
    usedIds.add(id);
    result.targets.push({
      id,
      ...where,
      language: input.language.language,
      kind: fn.kind,
      source: lines.slice(fn.startLine - 1, fn.endLine).join('\n'),
      changedLines,
      ...(fn.exportName !== undefined ? { exportName: fn.exportName } : {}),
      async: fn.async,
      generator: fn.generator,
      ...(fn.member ? { member: fn.member } : {}),
      ...(fn.wrapper !== undefined ? { wrapper: fn.wrapper } : {}),
      context: parsed.contextFor(fn),
    });
  }
  return result;
}

const keyCache = new WeakMap<FoundFunction[], Map<FoundFunction, string>>();

/** Identity of a function across the two sides of a diff: its qualified name, and which repeat of it it is. */
function keysOf(functions: FoundFunction[]): Map<FoundFunction, string> {
  let keys = keyCache.get(functions);
  if (keys) return keys;
  keys = new Map();
  const seen = new Map<string, number>();
  for (const fn of functions) {
    const repeat = seen.get(fn.name) ?? 0;
    seen.set(fn.name, repeat + 1);
    keys.set(fn, `${fn.name}#${repeat}`);
  }
  keyCache.set(functions, keys);
  return keys;
}

function byKey(functions: FoundFunction[]): Map<string, FoundFunction> {
  return new Map([...keysOf(functions)].map(([fn, key]) => [key, fn]));
}

/**
 * Head functions that lost lines: each removed base line belongs to the innermost base function holding it that
 * still exists at head (by name), so removing a nested function changes the function around it, and removing the
 * last lines of a Python function (which has no closing brace to anchor a deletion) still changes it.
 */
function counterpartsOfRemoved(
  baseFunctions: FoundFunction[],
  headFunctions: FoundFunction[],
  removedLines: number[],
): FoundFunction[] {
  const headByKey = byKey(headFunctions);
  const baseKeys = keysOf(baseFunctions);
  const changed = new Set<FoundFunction>();
  const byDepth = [...baseFunctions].sort((a, b) => b.depth - a.depth);
  for (const line of removedLines) {
    let depth: number | undefined;
    for (const fn of byDepth) {
      if (depth !== undefined && fn.depth < depth) break;
      if (fn.startLine > line || line > fn.endLine) continue;
      const counterpart = headByKey.get(baseKeys.get(fn) ?? '');
      if (!counterpart) continue;
      changed.add(counterpart);
      depth = fn.depth;
    }
  }
  return [...changed];
}

function withoutWhitespace(text: string): string {
  return text.replace(/\s+/g, '');
}

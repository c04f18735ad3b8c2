import type { Node } from 'web-tree-sitter';
import { createParser } from '../detect/tree-sitter.js';
import type { Target } from '../detect/types.js';
import { spliceLines } from './splice.js';

/** A rewrite of one target: the replacement for its lines, plus import statements it needs (whole lines). */
export interface Candidate {
  source: string;
  imports: string[];
}

/** Replace head-side lines startLine..endLine (1-based, inclusive) by `replacement`; what a suggestion does. */
export interface LineEdit {
  startLine: number;
  endLine: number;
  original: string;
  replacement: string;
}

export interface CandidateEdits {
  function: LineEdit;
  /** Present when the candidate adds imports: rewrites the anchor line to itself plus the new imports. */
  imports?: LineEdit;
}

const importNodeTypes = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);
const preambleNodeTypes = new Set(['comment', 'hash_bang_line']);

function isRequireDeclaration(node: Node): boolean {
  return (
    (node.type === 'lexical_declaration' || node.type === 'variable_declaration') &&
    /\brequire\(/.test(node.text)
  );
}

function isDirectiveOrDocstring(node: Node): boolean {
  if (node.type !== 'expression_statement') return false;
  const first = node.firstChild;
  return first?.type === 'string';
}

/**
 * The 1-based line after which new imports go: the end of the leading run of imports (and require calls), else
 * after a shebang, 'use strict' or module docstring, else 0 (top of file).
 */
async function importAnchorLine(fileText: string, target: Target): Promise<number> {
  const parser = await createParser(target.language);
  const tree = parser.parse(fileText);
  try {
    let anchor = 0;
    let sawImport = false;
    for (const node of tree?.rootNode.namedChildren ?? []) {
      if (!node) continue;
      if (importNodeTypes.has(node.type) || isRequireDeclaration(node)) {
        anchor = node.endPosition.row + 1;
        sawImport = true;
      } else if (!sawImport && (preambleNodeTypes.has(node.type) || isDirectiveOrDocstring(node))) {
        if (node.type !== 'comment') anchor = node.endPosition.row + 1;
      } else if (node.type !== 'comment') {
        break;
      }
    }
    return Math.min(anchor, target.startLine - 1);
  } finally {
    tree?.delete();
    parser.delete();
  }
}

/** The edits a candidate makes to the head file: its function lines and, if it needs them, new import lines. */
export async function planCandidateEdits(
  fileText: string,
  target: Target,
  candidate: Candidate,
): Promise<CandidateEdits> {
  const edits: CandidateEdits = {
    function: {
      startLine: target.startLine,
      endLine: target.endLine,
      original: target.source,
      replacement: candidate.source,
    },
  };
  const existing = new Set(fileText.split(/\r?\n/).map((l) => l.trim()));
  const newImports = candidate.imports.filter((line) => !existing.has(line.trim()));
  if (newImports.length === 0) return edits;
  const lines = fileText.split(/\r?\n/);
  const anchor = await importAnchorLine(fileText, target);
  // GitHub suggestions replace existing lines, so the import edit rewrites the anchor line as itself + imports.
  const anchorLine = Math.max(anchor, 1);
  if (anchorLine >= target.startLine) {
    // Nothing above the function to anchor on: the imports join the function's own edit.
    edits.function.replacement = [...newImports, candidate.source].join('\n');
    return edits;
  }
  const original = lines[anchorLine - 1] ?? '';
  const replacement =
    anchor === 0 ? [...newImports, original].join('\n') : [original, ...newImports].join('\n');
  edits.imports = { startLine: anchorLine, endLine: anchorLine, original, replacement };
  return edits;
}

/** Applies non-overlapping line edits, bottom-up so earlier line numbers stay valid. */
/** Lines the new imports push the function down by, whether they sit above it or open its own edit. */
export function lineShift(edits: CandidateEdits, candidate: Candidate): number {
  const lineCount = (text: string) => text.split('\n').length;
  return (
    (edits.imports ? lineCount(edits.imports.replacement) - 1 : 0) +
    lineCount(edits.function.replacement) -
    lineCount(candidate.source)
  );
}

export function applyLineEdits(fileText: string, edits: LineEdit[]): string {
  const ordered = [...edits].sort((a, b) => b.startLine - a.startLine);
  for (let i = 1; i < ordered.length; i++) {
    const below = ordered[i - 1] as LineEdit;
    if ((ordered[i] as LineEdit).endLine >= below.startLine) throw new Error('overlapping line edits');
  }
  return ordered.reduce(
    (text, edit) => spliceLines(text, edit.startLine, edit.endLine, edit.replacement),
    fileText,
  );
}

export function editsOf(planned: CandidateEdits): LineEdit[] {
  return planned.imports ? [planned.function, planned.imports] : [planned.function];
}

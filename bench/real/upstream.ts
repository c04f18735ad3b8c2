import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { detectAllFunctions, type Target } from '../../src/detect/index.js';
import { ecmascriptFunctionTypes } from '../../src/detect/languages/syntax-tree.js';
import { createParser } from '../../src/detect/tree-sitter.js';
import { must } from './shell.js';

/** The function as afterburner's own detection sees it at `ref`, or why it is not there. */
export async function findTarget(
  work: string,
  ref: string,
  file: string,
  name: string,
): Promise<{ target: Target } | { reason: string }> {
  const result = await detectAllFunctions({
    repo: work,
    head: ref,
    include: [file],
    maxFunctionLines: 100_000,
  });
  const target = result.targets.find((t) => t.path === file && t.name === name);
  if (target) return { target };
  const skip = result.skipped.find((s) => s.path === file && (s.name === name || s.name === undefined));
  if (skip) return { reason: `${file}${skip.name ? ` ${skip.name}` : ''}: ${skip.reason}` };
  const names = result.targets.filter((t) => t.path === file).map((t) => t.name);
  return {
    reason: `${name} not among the ${names.length} functions detected in ${file}${names.length ? ` (${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''})` : ''}`,
  };
}

const importLine = /^\s*(import\s|from\s+\S+\s+import\s|(const|let|var)\s+[\w{}\s,]+=\s*require\()/;

/**
 * Import lines of the file at `fix` that the parent's file lacks: the model's answer puts them above the function,
 * as afterburner's prompt asks, so an upstream rewrite that needs a new import can still apply.
 */
export async function addedImports(
  work: string,
  parent: string,
  fix: string,
  file: string,
): Promise<string[]> {
  const before = new Set(
    (await must(['git', 'show', `${parent}:${file}`], work)).split('\n').map((l) => l.trim()),
  );
  const after = (await must(['git', 'show', `${fix}:${file}`], work)).split('\n');
  return after.filter((line) => importLine.test(line) && !line.startsWith(' ') && !before.has(line.trim()));
}

const functionTypes = new Set([...ecmascriptFunctionTypes, 'function_definition']);

/** The outermost function node that lies within lines start..end (1-based). */
function outermostFunction(root: Node, start: number, end: number): Node | undefined {
  const queue: Node[] = [root];
  while (queue.length > 0) {
    const node = queue.shift() as Node;
    const inside = node.startPosition.row >= start - 1 && node.endPosition.row <= end - 1;
    if (inside && functionTypes.has(node.type)) return node;
    if (node.endPosition.row < start - 1 || node.startPosition.row > end - 1) continue;
    for (const child of node.namedChildren) if (child) queue.push(child);
  }
  return undefined;
}

function offsetOf(text: string, row: number, column: number): number {
  let offset = 0;
  for (let r = 0; r < row; r++) offset = text.indexOf('\n', offset) + 1;
  // tree-sitter columns count bytes; the rows we edit at are ASCII up to the column in practice.
  return offset + column;
}

/**
 * A behaviour-free edit inside the function's body (a comment alone would be skipped by detection as "only
 * comments changed"): `void 0;` before the first statement in JavaScript/TypeScript, `(void 0, …)` around an
 * arrow's expression body, `pass` before the first statement in Python. Writes the file; returns the edited line.
 */
export async function noOpEdit(
  work: string,
  target: Pick<Target, 'path' | 'language' | 'startLine' | 'endLine'>,
): Promise<number> {
  const path = join(work, target.path);
  const text = await readFile(path, 'utf8');
  const parser = await createParser(target.language);
  const tree = parser.parse(text);
  const fn = tree ? outermostFunction(tree.rootNode, target.startLine, target.endLine) : undefined;
  const body = fn?.childForFieldName('body');
  if (!fn || !body)
    throw new Error(`no function body found in ${target.path}:${target.startLine}-${target.endLine}`);
  let edited: string;
  if (body.type === 'statement_block' || body.type === 'block') {
    const statements = body.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
    // Never in front of a 'use strict' directive or a docstring: that would change what they mean.
    const isDirective = (n: Node) =>
      n.type === 'expression_statement' && n.firstNamedChild?.type === 'string';
    const lead = statements.findIndex((n) => !isDirective(n));
    const first = lead >= 0 ? statements[lead] : undefined;
    const python = target.language === 'python';
    if (!first && statements.length > 0) {
      const last = statements[statements.length - 1] as Node;
      const at = offsetOf(text, last.endPosition.row, last.endPosition.column);
      const lineStart = offsetOf(text, last.startPosition.row, 0);
      const indent = text.slice(lineStart, offsetOf(text, last.startPosition.row, last.startPosition.column));
      edited = `${text.slice(0, at)}\n${indent}${python ? 'pass' : 'void 0;'}${text.slice(at)}`;
    } else if (first) {
      const at = offsetOf(text, first.startPosition.row, first.startPosition.column);
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      const alone = text.slice(lineStart, at).trim() === '';
      const indent = text.slice(lineStart, at);
      const stmt = python ? 'pass' : 'void 0;';
      edited = `${text.slice(0, at)}${alone ? `${stmt}\n${indent}` : `${stmt}${python ? '; ' : ' '}`}${text.slice(at)}`;
    } else {
      if (python) throw new Error(`empty Python body in ${target.path}`);
      const at = offsetOf(text, body.startPosition.row, body.startPosition.column) + 1;
      edited = `${text.slice(0, at)} void 0; ${text.slice(at)}`;
    }
  } else {
    const start = offsetOf(text, body.startPosition.row, body.startPosition.column);
    const end = offsetOf(text, body.endPosition.row, body.endPosition.column);
    edited = `${text.slice(0, start)}(void 0, ${text.slice(start, end)})${text.slice(end)}`;
  }
  await writeFile(path, edited);
  return body.startPosition.row + 1;
}

function namesOf(fn: Node): string[] {
  const names: string[] = [];
  const own = fn.childForFieldName('name');
  if (own) names.push(own.text);
  // Climb through wrapping calls (`curry(function …)`, `memo(…)`) to the declarator or assignment naming it.
  let up: Node | null = fn.parent;
  while (
    up &&
    (up.type === 'arguments' || up.type === 'call_expression' || up.type === 'parenthesized_expression')
  )
    up = up.parent;
  if (up?.type === 'variable_declarator') names.push(up.childForFieldName('name')?.text ?? '');
  if (up?.type === 'assignment_expression') names.push(up.childForFieldName('left')?.text ?? '');
  return names;
}

/**
 * When afterburner's detection does not find the function (a wrapped definition, say), the bench still needs
 * its lines to rebuild the case: the top-level statement holding a function named `name`, found with tree-sitter.
 */
export async function locateByName(
  work: string,
  ref: string,
  file: string,
  name: string,
  language: Target['language'],
) {
  const text = await must(['git', 'show', `${ref}:${file}`], work);
  const parser = await createParser(language);
  const tree = parser.parse(text);
  const queue: Node[] = tree ? [tree.rootNode] : [];
  while (queue.length > 0) {
    const node = queue.shift() as Node;
    if (functionTypes.has(node.type) && namesOf(node).includes(name)) {
      let top: Node = node;
      while (top.parent && top.parent.type !== 'program' && top.parent.type !== 'module') top = top.parent;
      const startLine = top.startPosition.row + 1;
      const endLine = top.endPosition.row + 1;
      const source = text
        .split('\n')
        .slice(startLine - 1, endLine)
        .join('\n');
      return { path: file, language, startLine, endLine, source };
    }
    for (const child of node.namedChildren) if (child) queue.push(child);
  }
  return undefined;
}

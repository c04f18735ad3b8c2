import type { Node } from 'web-tree-sitter';
import { createParser } from '../detect/tree-sitter.js';
import type { Target } from '../detect/types.js';

export type Extraction = { ok: true; source: string } | { ok: false; reason: string };

const javascriptFenceTags = new Set(['', 'js', 'javascript', 'jsx', 'mjs', 'cjs', 'node']);
// A fence is three or more backticks; the closing fence must be at least as long as the opening one.
const fencePattern = /^(`{3,})[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)^\1`*[ \t]*$/gm;
const solutionPattern = /<solution>([\s\S]*?)<\/solution>/g;
const declarationTypes = new Set([
  'function_declaration',
  'generator_function_declaration',
  'method_definition',
  'variable_declarator',
  'assignment_expression',
  'pair',
]);

function lastFencedBlock(text: string): string | undefined {
  let found: string | undefined;
  for (const match of text.matchAll(fencePattern)) {
    if (javascriptFenceTags.has((match[2] ?? '').toLowerCase())) found = match[3];
  }
  return found;
}

/** The code of an answer: the last `<solution>` (Afterburner's own models), else the last JavaScript fence. */
function codeOf(answer: string): string | undefined {
  const solutions = [...answer.matchAll(solutionPattern)];
  const solution = solutions.at(-1)?.[1];
  if (solution !== undefined) return lastFencedBlock(solution) ?? solution;
  return lastFencedBlock(answer);
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

/** Models often return a class method flush left; give it the indentation of the lines it replaces. */
function matchIndentation(code: string, original: string): string {
  const lines = code
    .replace(/^\s*\n/, '')
    .trimEnd()
    .split('\n');
  const wanted = indentOf(original.split('\n')[0] ?? '');
  const present = indentOf(lines.find((l) => l.trim() !== '') ?? '');
  if (wanted === present || present !== '') return lines.join('\n');
  return lines.map((l) => (l.trim() === '' ? '' : wanted + l)).join('\n');
}

function firstError(node: Node): Node | undefined {
  if (node.isError || node.isMissing) return node;
  if (!node.hasError) return undefined;
  for (const child of node.children) {
    const found = child && firstError(child);
    if (found) return found;
  }
  return undefined;
}

function declares(node: Node, name: string): boolean {
  if (declarationTypes.has(node.type)) {
    const declared =
      node.childForFieldName('name') ?? node.childForFieldName('left') ?? node.childForFieldName('key');
    if (declared && (declared.text === name || declared.text.endsWith(`.${name}`))) return true;
  }
  return node.children.some((child) => child !== null && declares(child, name));
}

/** Takes the candidate code out of a model's answer and checks it parses and still defines the target. */
export async function extractCandidate(answer: string, target: Target): Promise<Extraction> {
  const raw = codeOf(answer);
  if (raw === undefined || raw.trim() === '') {
    return { ok: false, reason: 'format error: the answer holds no JavaScript code block' };
  }
  const source = matchIndentation(raw, target.source);
  const isMember = target.kind === 'method';
  const wrapped = isMember ? `class AfterburnerWrapper {\n${source}\n}` : source;
  const parser = await createParser('javascript');
  const tree = parser.parse(wrapped);
  try {
    const error = tree ? firstError(tree.rootNode) : undefined;
    if (!tree || error) {
      const line = (error?.startPosition.row ?? 0) + (isMember ? 0 : 1);
      return { ok: false, reason: `format error: the candidate has a syntax error at its line ${line}` };
    }
    const simpleName = target.name.split('.').at(-1) ?? target.name;
    if (target.name !== 'default' && !declares(tree.rootNode, simpleName)) {
      return { ok: false, reason: `format error: the candidate does not define \`${simpleName}\`` };
    }
    return { ok: true, source };
  } finally {
    tree?.delete();
    parser.delete();
  }
}

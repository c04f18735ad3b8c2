import type { Node, Tree } from 'web-tree-sitter';
import { wrappedDefinitionsIn } from '../detect/languages/wrapped-definition.js';
import { createParser } from '../detect/tree-sitter.js';
import type { Language, Target } from '../detect/types.js';
import { infoFor, pluginFor } from '../languages/index.js';
import type { MemberHolder } from '../languages/types.js';
import type { PreRunCheck } from './candidate-evidence.js';
import { capabilityCheck } from './capabilities.js';
import { newDependencyOf, noDependencies, type ProjectDependencies } from './dependencies.js';
import { insideWrapper, originalInner, wrapperChange } from './keep-wrapper.js';
import { parseIn as parse } from './languages.js';

export type Extraction =
  | { ok: true; source: string; imports: string[] }
  | { ok: false; reason: string; check: PreRunCheck };

export interface ExtractOptions {
  /** What the candidate may import besides the standard library; default: nothing else. */
  dependencies?: ProjectDependencies;
}

// A fence is three or more backticks; the closing fence must be at least as long as the opening one.
const fencePattern = /^(`{3,})[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)^\1`*[ \t]*$/gm;
const solutionPattern = /<solution>([\s\S]*?)<\/solution>/g;
const declarationTypes = new Set([
  'function_declaration',
  // `module.exports = function equal(a, b) {…}` names its function on the expression.
  'function_expression',
  'generator_function_declaration',
  'method_definition',
  'variable_declarator',
  'assignment_expression',
  'pair',
  'public_field_definition',
  'function_definition',
]);
const importTypes = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

function lastFencedBlock(text: string, tags: ReadonlySet<string>): string | undefined {
  let found: string | undefined;
  for (const match of text.matchAll(fencePattern)) {
    if (tags.has((match[2] ?? '').toLowerCase())) found = match[3];
  }
  return found;
}

/** The code of an answer: the last `<solution>` (Afterburner's own models), else the last fence of the language. */
export function codeOf(answer: string, tags: ReadonlySet<string>): string | undefined {
  const solutions = [...answer.matchAll(solutionPattern)];
  const solution = solutions.at(-1)?.[1];
  if (solution !== undefined) return lastFencedBlock(solution, tags) ?? solution;
  return lastFencedBlock(answer, tags);
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

function declaredName(node: Node): string | undefined {
  const declared =
    node.childForFieldName('name') ??
    node.childForFieldName('left') ??
    node.childForFieldName('key') ??
    node.childForFieldName('property');
  return declared?.text;
}

/** The first node (pre-order) that declares `name`, or `obj.name`. */
function findDeclaration(node: Node, name: string): Node | undefined {
  if (declarationTypes.has(node.type)) {
    const declared = declaredName(node);
    if (declared && (declared === name || declared.endsWith(`.${name}`))) return node;
  }
  for (const child of node.children) {
    const found = child && findDeclaration(child, name);
    if (found) return found;
  }
  return undefined;
}

interface Signature {
  parameters?: string;
  async: boolean;
}

function signatureOf(declaration: Node): Signature {
  const value =
    declaration.childForFieldName('value') ?? declaration.childForFieldName('right') ?? declaration;
  const parameters = value.childForFieldName('parameters') ?? value.childForFieldName('parameter');
  return {
    parameters: parameters?.text.replace(/\s+/g, '').replace(/,(?=[)\]])/g, ''),
    async: value.children.some((child) => child?.type === 'async'),
  };
}

function exportPrefix(source: string): string {
  return /^\s*(export\s+default\b|export\b)?/.exec(source)?.[1]?.replace(/\s+/g, ' ') ?? '';
}

type Holder = MemberHolder | undefined;

function wrapForParsing(
  source: string,
  target: Target,
  holder: Holder,
): { text: string; lineOffset: number } {
  return pluginFor(target.language).wrapForParsing(source, holder);
}

/**
 * What a member's lines parse inside: a class if they can (private names and fields parse only there), else an
 * object literal (`uniq(xs) {…},` and `run: function (…) {…},` with their trailing commas).
 */
async function holderOf(target: Target): Promise<Holder> {
  const holders = pluginFor(target.language).memberHolders;
  if (holders.length === 0 || (!target.member && target.kind !== 'method')) return undefined;
  for (const holder of holders) {
    const tree = await parse(target.language, wrapForParsing(target.source, target, holder).text);
    const clean = tree !== null && !tree.rootNode.hasError;
    tree?.delete();
    if (clean) return holder;
  }
  return target.kind === 'method' ? holders[0] : undefined;
}

/** Import statements at the top of the block, and the code after them. */
function splitImports(
  code: string,
  tree: Tree | null,
  language: Language,
): { imports: string[]; rest: string } {
  const imports: string[] = [];
  let cut = 0;
  for (const node of tree?.rootNode.children ?? []) {
    if (!node) continue;
    const isImport = importTypes.has(node.type) || pluginFor(language).imports.importsToo(node);
    if (isImport && !node.hasError) {
      imports.push(node.text.trim());
      cut = node.endIndex;
    } else if (node.type !== 'comment') {
      break;
    }
  }
  if (imports.length === 0) return { imports, rest: code };
  return { imports, rest: code.slice(cut).replace(/^[ \t]*;?[ \t]*\n/, '') };
}

/** The last check before a candidate may run: it uses no capability (processes, files, network…) the original does not. */
async function accepted(target: Target, source: string, imports: string[]): Promise<Extraction> {
  const code = [...imports, source].join('\n');
  const reason = await capabilityCheck(target.source, code, target.language, { context: target.context });
  return reason ? { ok: false, reason, check: 'capability' } : { ok: true, source, imports };
}

/** Takes the candidate code out of a model's answer and checks it (checkCandidateCode). */
export async function extractCandidate(
  answer: string,
  target: Target,
  options: ExtractOptions = {},
): Promise<Extraction> {
  const info = infoFor(target.language);
  const raw = codeOf(answer, info.fenceTags);
  if (raw === undefined || raw.trim() === '') {
    return {
      ok: false,
      reason: `format error: the answer holds no ${info.label} code block`,
      check: 'format',
    };
  }
  return checkCandidateCode(raw, target, options);
}

/** The import statements at the top of `code`, and the code after them. */
export async function leadingImports(
  code: string,
  language: Language,
): Promise<{ imports: string[]; rest: string }> {
  const tree = await parse(language, code);
  try {
    return splitImports(code, tree, language);
  } finally {
    tree?.delete();
  }
}

/**
 * The checks every candidate passes before it may run, whether a model just wrote it or a report carries it: the
 * code (a function and the import lines above it) parses, keeps the target's name, parameters, export and
 * async-ness, adds no dependency the project lacks and no capability the original does not use
 * (capability-list.ts). Returns the function as it would replace the target's lines, and its imports.
 */
export async function checkCandidateCode(
  raw: string,
  target: Target,
  options: ExtractOptions = {},
): Promise<Extraction> {
  const split = await leadingImports(raw, target.language);
  const dependencies = options.dependencies ?? noDependencies;
  for (const statement of split.imports) {
    const dependency = newDependencyOf(statement, target.language, dependencies);
    if (dependency)
      return { ok: false, reason: `format error: new dependency ${dependency}`, check: 'dependency' };
  }
  let source = matchIndentation(split.rest, target.source);
  if (source.trim() === '') {
    return { ok: false, reason: 'format error: the code block holds only imports', check: 'format' };
  }

  const holder = await holderOf(target);
  const original = wrapForParsing(target.source, target, holder);
  const originalTree = await parse(target.language, original.text);
  if (target.wrapper !== undefined && originalTree) {
    // Only the inner function answered: it goes back inside the original call.
    const inner = originalInner(originalTree, original.text.indexOf(target.source));
    const alone = await parse(target.language, source);
    const spliced = alone && inner ? insideWrapper(source, alone, target, inner) : undefined;
    alone?.delete();
    if (spliced !== undefined) source = spliced;
  }
  // Object members end with the comma that separates them from the next one; a candidate must keep it.
  if (holder === 'object' && target.source.trimEnd().endsWith(',') && !source.trimEnd().endsWith(',')) {
    source = `${source.trimEnd()},`;
  }
  const wrapped = wrapForParsing(source, target, holder);
  const tree = await parse(target.language, wrapped.text);
  try {
    const error = tree ? firstError(tree.rootNode) : undefined;
    if (!tree || error) {
      const line = (error?.startPosition.row ?? 0) + 1 - wrapped.lineOffset;
      return {
        ok: false,
        reason: `format error: the candidate has a syntax error at its line ${Math.max(line, 1)}`,
        check: 'syntax',
      };
    }
    if (target.wrapper !== undefined && originalTree) {
      const reason = wrapperChange(
        { text: wrapped.text, tree },
        { text: original.text, tree: originalTree },
        target,
      );
      if (reason) return { ok: false, reason, check: 'signature' };
    }
    const simpleName = target.name.split('.').at(-1) ?? target.name;
    if (exportPrefix(source) !== exportPrefix(target.source)) {
      const wanted = exportPrefix(target.source) || 'no export';
      const reason = `format error: the candidate changes the export (must keep ${wanted})`;
      return { ok: false, reason, check: 'signature' };
    }
    if (target.name === 'default' && target.wrapper === undefined) {
      return accepted(target, source, split.imports);
    }
    // A wrapped definition's name is checked with the code around it; its signature is the inner function's.
    const declarationIn = (root: Node) =>
      target.wrapper !== undefined ? wrappedDefinitionsIn(root)[0]?.inner : findDeclaration(root, simpleName);
    const declaration = declarationIn(tree.rootNode);
    if (!declaration)
      return {
        ok: false,
        reason: `format error: the candidate does not define \`${simpleName}\``,
        check: 'signature',
      };
    const originalDeclaration = originalTree && declarationIn(originalTree.rootNode);
    if (originalDeclaration) {
      const before = signatureOf(originalDeclaration);
      const after = signatureOf(declaration);
      if (before.parameters !== undefined && before.parameters !== after.parameters) {
        return {
          ok: false,
          reason: `format error: the candidate changes the parameters of \`${simpleName}\` from ${before.parameters} to ${after.parameters ?? 'none'}`,
          check: 'signature',
        };
      }
      if (before.async !== after.async) {
        const wanted = before.async ? 'async' : 'not async';
        return {
          ok: false,
          reason: `format error: \`${simpleName}\` must stay ${wanted}`,
          check: 'signature',
        };
      }
    }
    return accepted(target, source, split.imports);
  } finally {
    tree?.delete();
    originalTree?.delete();
  }
}

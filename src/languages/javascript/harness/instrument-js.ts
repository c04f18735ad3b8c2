import type { Node } from 'web-tree-sitter';
import {
  ecmascriptFunctionTypes,
  functionDeclarationTypes,
  functionValueTypes,
} from '../../../detect/languages/syntax-tree.js';
import { wrappedDefinitionsIn } from '../../../detect/languages/wrapped-definition.js';
import { createParser } from '../../../detect/tree-sitter.js';
import type { Target } from '../../../detect/types.js';
import type { Instrumented } from '../../../harness/types.js';
import { commonJsTarget } from '../detect/ecmascript-module-level.js';
import { definitionOnRow, enclosingLaterFunction, readsOwnThis, runsAtLoad } from './load-time-definition.js';

/** `record` captures calls during the tests; `register` exposes the function to the verify runner. */
export type InstrumentMode = { kind: 'record' } | { kind: 'register'; role: 'original' | 'candidate' };

export interface InstrumentOptions {
  fileText: string;
  target: Target;
  mode: InstrumentMode;
  /** Relative specifier from the target's file to the recorder module (e.g. `../.afterburner-harness/recorder.cjs`). */
  recorderSpecifier: string;
  /** Whether the file is an ES module (else CommonJS). */
  esm: boolean;
  /** Register mode: module-scope names (classes of recorded arguments) to expose to the verify runner. */
  scopeNames?: string[];
}

interface Insertion {
  at: number;
  text: string;
}

function simpleName(target: Target): string {
  return target.name.split('.').at(-1) ?? target.name;
}

function unwrapExport(node: Node): Node {
  if (node.type !== 'export_statement') return node;
  return (
    node.childForFieldName('declaration') ??
    node.namedChildren.find((c) => c?.type.endsWith('declaration')) ??
    node
  );
}

/** The top-level statement covering the target's first line. */
function topLevelStatementAt(root: Node, line: number): Node | undefined {
  for (const child of root.namedChildren) {
    if (child && child.startPosition.row <= line && child.endPosition.row >= line) return child;
  }
  return undefined;
}

function declaratorNamed(statement: Node, name: string): Node | undefined {
  if (statement.type !== 'lexical_declaration' && statement.type !== 'variable_declaration') return undefined;
  return (
    statement.namedChildren.find(
      (d) => d?.type === 'variable_declarator' && d.childForFieldName('name')?.text === name,
    ) ?? undefined
  );
}

function isClassLike(node: Node): boolean {
  return (
    node.type === 'class_declaration' || node.type === 'abstract_class_declaration' || node.type === 'class'
  );
}

interface Owner {
  statement: Node;
  /** Whether the owner is an object literal (its members are own properties) rather than a class. */
  object: boolean;
  /** How code after the statement refers to the owner. */
  expression: string;
}

/**
 * The top-level statement that declares the class or object `owner`: `class Owner`, `const owner = {…}`, or a
 * CommonJS export (`module.exports = {…}` for the owner `module.exports`, `exports.owner = {…}`).
 */
function ownerStatement(root: Node, owner: string): Owner | undefined {
  for (const child of root.namedChildren) {
    if (!child) continue;
    const declaration = unwrapExport(child);
    if (isClassLike(declaration) && declaration.childForFieldName('name')?.text === owner) {
      return { statement: child, object: false, expression: owner };
    }
    const declarator = declaratorNamed(declaration, owner);
    const value = declarator?.childForFieldName('value');
    if (value && isClassLike(value)) return { statement: child, object: false, expression: owner };
    if (value?.type === 'object') return { statement: child, object: true, expression: owner };
    const assignment = declaration.type === 'expression_statement' ? declaration.namedChildren[0] : undefined;
    const left = assignment?.type === 'assignment_expression' ? assignment.childForFieldName('left') : null;
    const right = assignment?.childForFieldName('right');
    if (!left || !right || (right.type !== 'object' && !isClassLike(right))) continue;
    const exported = commonJsTarget(left.text);
    if ((exported === 'module' && owner === 'module.exports') || exported === owner) {
      return { statement: child, object: right.type === 'object', expression: left.text };
    }
  }
  return undefined;
}

/** The name a function goes by: its own, or the variable or property it is assigned to. */
function nameOf(fn: Node): string | undefined {
  const own = fn.childForFieldName('name')?.text;
  if (own) return own;
  const parent = fn.parent;
  if (parent?.type === 'variable_declarator') return parent.childForFieldName('name')?.text;
  if (parent?.type === 'assignment_expression') return parent.childForFieldName('left')?.text;
  return undefined;
}

function definedInside(fn: Node): string {
  const name = nameOf(fn);
  const where = name ? `inside \`${name}\`` : 'inside another function';
  return `it is defined ${where}, so it exists only while that function runs and cannot be loaded on its own`;
}

/** Why a wrapped definition's inner function is not created when the module loads, if it is not. */
function notCreatedAtLoad(node: Node): string | undefined {
  for (let up = node.parent; up; up = up.parent) {
    if (ecmascriptFunctionTypes.has(up.type) && !runsAtLoad(up)) return definedInside(up);
    const isField = up.type === 'field_definition' || up.type === 'public_field_definition';
    if (isField && !up.children.some((c) => c?.type === 'static')) {
      return 'it is an instance field, created anew for each instance, so it cannot be loaded on its own';
    }
  }
  return undefined;
}

/**
 * A wrapped definition (`const omit = curry(function omit(a, b) {…})`): the inner function is wrapped in place,
 * so the calls that reach it are recorded (for a curried function, its full-arity calls), and the inner function
 * is what the verify runner replays them on.
 */
function planWrapped(root: Node, options: InstrumentOptions, ab: string): Insertion[] | string {
  const { target, mode } = options;
  // Only the start is known in a candidate's copy: its function may be longer or shorter than the original.
  const first = target.startLine - 1;
  const statement = topLevelStatementAt(root, first);
  const wrapped =
    statement &&
    wrappedDefinitionsIn(statement).find(
      (w) => w.call.startPosition.row >= first && w.call.endIndex <= statement.endIndex,
    );
  if (!wrapped) {
    return `its definition inside \`${target.wrapper}(…)\` was not found`;
  }
  const unreachable = notCreatedAtLoad(wrapped.call);
  if (unreachable) return unreachable;
  return wrapValueInPlace(wrapped.inner, options, ab);
}

/** Wraps a function value where it stands: the recorder's wrapper while recording, else a registering identity. */
function wrapValueInPlace(fn: Node, { target, mode }: InstrumentOptions, ab: string): Insertion[] {
  const id = JSON.stringify(target.id);
  const open =
    mode.kind === 'record'
      ? `${ab}.wrap(${id}, `
      : `((f) => (${ab}.register(${id}, ${JSON.stringify(mode.role)}, f), f))(`;
  return [
    { at: fn.startIndex, text: open },
    { at: fn.endIndex, text: ')' },
  ];
}

/**
 * A function defined inside code that runs while the module loads (underscore's `_.isObject = function…` inside
 * its IIFE, a UMD factory's functions), or assigned to a property at the top: wrapped in place where it is
 * defined. Undefined when the definition is a plain top-level one, which `plan` instruments by its name.
 */
function planInPlace(root: Node, options: InstrumentOptions, ab: string): Insertion[] | string | undefined {
  const { target, mode } = options;
  const name = simpleName(target);
  const fn = definitionOnRow(root, target.startLine - 1, name);
  if (!fn) return undefined;
  const nested = enclosingFunction(fn) !== undefined;
  const memberAssignment =
    fn.parent?.type === 'assignment_expression' && fn.parent.childForFieldName('left')?.type !== 'identifier';
  if (!nested && !memberAssignment) return undefined;
  const later = enclosingLaterFunction(fn);
  if (later) return definedInside(later);
  if (readsOwnThis(fn)) {
    return `it reads \`this\`, the object it is called on, which afterburner cannot rebuild for a function assigned to \`${target.name}\``;
  }
  if (!functionDeclarationTypes.has(fn.type)) return wrapValueInPlace(fn, options, ab);
  const id = JSON.stringify(target.id);
  const text =
    mode.kind === 'record'
      ? `;${name} = ${ab}.wrap(${id}, ${name});`
      : `;${ab}.register(${id}, ${JSON.stringify(mode.role)}, ${name});`;
  return [{ at: fn.endIndex, text }];
}

function enclosingFunction(node: Node): Node | undefined {
  for (let up = node.parent; up; up = up.parent) if (ecmascriptFunctionTypes.has(up.type)) return up;
  return undefined;
}

function plan(root: Node, options: InstrumentOptions, ab: string): Insertion[] | string {
  const { target, mode } = options;
  const id = JSON.stringify(target.id);
  const name = simpleName(target);
  if (target.wrapper !== undefined) return planWrapped(root, options, ab);
  if (target.member) {
    const { owner } = target.member;
    if (name.startsWith('#')) return 'private methods cannot be reached from outside their class';
    if (owner === '(anonymous)') {
      return 'it is a member of an object or class without a name (one a function returns, or one passed to a call), so nothing outside can reach it';
    }
    const found = ownerStatement(root, owner);
    if (!found && owner.includes('.')) {
      return `its owner \`${owner}\` is nested inside \`${owner.split('.')[0]}\`, which afterburner cannot reach yet`;
    }
    if (!found) return `its owner \`${owner}\` is not declared at the top of the module`;
    const own = found.object || target.member.static;
    const args = `${found.expression}, ${JSON.stringify(name)}, ${own}, ${JSON.stringify(target.member.accessor ?? null)}`;
    const call =
      mode.kind === 'record'
        ? `${ab}.wrapMethod(${id}, ${args})`
        : `${ab}.registerMethod(${id}, ${JSON.stringify(mode.role)}, ${args})`;
    return [{ at: found.statement.endIndex, text: `;${call};` }];
  }
  const inPlace = planInPlace(root, options, ab);
  if (inPlace) return inPlace;
  const statement = topLevelStatementAt(root, target.startLine - 1);
  if (target.name.includes('.')) {
    if (statement?.startPosition.row === target.startLine - 1 && statement.type === 'expression_statement') {
      return `it is assigned to \`${target.name}\`, and afterburner cannot rebuild the object it is called on yet`;
    }
    const outer = target.name.split('.').slice(0, -1).join('.');
    return `it is defined inside \`${outer}\`, so it exists only while that function runs and cannot be called on its own`;
  }
  if (!statement) return 'its declaration was not found at the top of the module';
  const declaration = unwrapExport(statement);
  const register = (expression: string) =>
    mode.kind === 'register'
      ? [
          {
            at: statement.endIndex,
            text: `;${ab}.register(${id}, ${JSON.stringify(mode.role)}, ${expression});`,
          },
        ]
      : undefined;

  if (
    functionDeclarationTypes.has(declaration.type) &&
    declaration.childForFieldName('name')?.text === name
  ) {
    return register(name) ?? [{ at: statement.endIndex, text: `;${name} = ${ab}.wrap(${id}, ${name});` }];
  }
  const value = declaratorNamed(declaration, name)?.childForFieldName('value');
  if (value && functionValueTypes.has(value.type)) {
    return (
      register(name) ?? [
        { at: value.startIndex, text: `${ab}.wrap(${id}, ` },
        { at: value.endIndex, text: ')' },
      ]
    );
  }
  const assignment = declaration.type === 'expression_statement' ? declaration.namedChildren[0] : undefined;
  const right =
    assignment?.type === 'assignment_expression' ? assignment.childForFieldName('right') : undefined;
  const left = assignment?.childForFieldName('left');
  if (right && left && functionValueTypes.has(right.type)) {
    return (
      register(left.text) ?? [
        { at: right.startIndex, text: `${ab}.wrap(${id}, ` },
        { at: right.endIndex, text: ')' },
      ]
    );
  }
  return `afterburner cannot reach a ${target.kind} declared this way`;
}

/**
 * TypeScript is compiled by the project's runner, often to CommonJS (ts-jest, babel-jest), where TypeScript and
 * sucrase leave each `require` where its import was: the recorder's import goes before the first line, beside the
 * pragma that keeps a type-checking runner (ts-jest) from failing on the inserted code. `import * as` of the .cjs
 * recorder works from ESM (vitest, Node) and from CommonJS (jest cannot load .mjs from CommonJS). The pragma must
 * be a leading comment on its own line: every line moves down by one.
 */
function typeScriptHeader(text: string, esm: boolean, recorderSpecifier: string): string {
  const shebang = text.startsWith('#!') ? text.slice(0, text.indexOf('\n') + 1 || text.length) : '';
  const importLine = esm ? `import * as __afterburner from ${JSON.stringify(recorderSpecifier)};` : '';
  return `${shebang}// @ts-nocheck\n${importLine}${text.slice(shebang.length)}`;
}

/**
 * An ES module imports the recorder at the start of its first line (after a shebang), so no line moves. Not at
 * the end: transforms that turn imports into requires in place (Babel plugins, @babel/register) would run the
 * recorder's require after the code that calls it. A default import is the one form every transform knows (ramda's
 * own Babel plugin accepts nothing else); the recorder's `default` names itself for transforms that read `.default`
 * without interop.
 */
function esModuleHeader(text: string, recorderSpecifier: string): string {
  const shebang = text.startsWith('#!') ? text.slice(0, text.indexOf('\n') + 1 || text.length) : '';
  return `${shebang}import __afterburner from ${JSON.stringify(recorderSpecifier)};${text.slice(shebang.length)}`;
}

/**
 * Adds a call to the recorder right at the target's definition without moving any line: insertions go on the
 * lines they follow, and an ES module imports the recorder on its first line; TypeScript files get a header
 * instead (see typeScriptHeader).
 */
export async function instrumentJavaScript(options: InstrumentOptions): Promise<Instrumented> {
  const { fileText, target, esm, recorderSpecifier } = options;
  const parser = await createParser(target.language === 'python' ? 'javascript' : target.language);
  const tree = parser.parse(fileText);
  try {
    if (!tree) return { ok: false, reason: 'the file could not be parsed' };
    const required = `require(${JSON.stringify(recorderSpecifier)})`;
    // A script a test evaluates itself (vm.runInThisContext) has no `require`: while recording, the recorder is
    // preloaded (NODE_OPTIONS --require) and found as a global instead. In a context of its own (underscore's
    // "noConflict (node vm)" test) there is neither, and the function runs unrecorded.
    const ab = esm
      ? '__afterburner'
      : options.mode.kind === 'record'
        ? `(typeof require === "function" ? ${required} : globalThis.__afterburnerRecorder || { wrap: (i, f) => f, wrapMethod() {} })`
        : required;
    const insertions = plan(tree.rootNode, options, ab);
    if (typeof insertions === 'string') return { ok: false, reason: insertions };
    let text = fileText;
    for (const insertion of [...insertions].sort((a, b) => b.at - a.at)) {
      text = text.slice(0, insertion.at) + insertion.text + text.slice(insertion.at);
    }
    const { mode, scopeNames = [] } = options;
    if (mode.kind === 'register' && scopeNames.length > 0) {
      // `typeof` keeps a name the module does not declare from throwing; at the end, every class is initialized.
      const entries = scopeNames.map((n) => `${n}: typeof ${n} === 'undefined' ? undefined : ${n}`);
      text += `${text.endsWith('\n') ? '' : '\n'};${ab}.registerScope(${JSON.stringify(mode.role)}, { ${entries.join(', ')} });\n`;
    }
    if (target.language === 'typescript' || target.language === 'tsx')
      return { ok: true, text: typeScriptHeader(text, esm, recorderSpecifier) };
    return { ok: true, text: esm ? esModuleHeader(text, recorderSpecifier) : text };
  } finally {
    tree?.delete();
    parser.delete();
  }
}

/** Whether a JavaScript/TypeScript file is an ES module: by extension, by its own syntax, else by package type. */
export function isEsModule(path: string, fileText: string, packageType: string | undefined): boolean {
  if (/\.(mjs|mts)$/.test(path)) return true;
  if (/\.(cjs|cts)$/.test(path)) return false;
  if (/^\s*(import\s[^(]|export\s)/m.test(fileText)) return true;
  if (/\brequire\(|module\.exports|exports\./.test(fileText)) return false;
  return packageType === 'module';
}

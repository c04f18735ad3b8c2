import type { Node } from 'web-tree-sitter';
import { createParser, type GrammarName } from '../tree-sitter.js';
import type { Language, TargetKind, TargetMember } from '../types.js';
import { ContextBuilder, type ContextSubject, IdentifierIndex, type ModuleDefinition } from './context.js';
import type { FoundFunction, LanguageSupport, ParsedSource } from './language-support.js';
import {
  CommentIndex,
  firstSyntaxErrorLine,
  functionValueTypes,
  namedChildrenOf,
  pathsTo,
  sharedLinesReason,
  structuralTokens,
} from './syntax-tree.js';
import { wrappedDefinition } from './wrapped-definition.js';

/**
 * The function finder shared by the ECMAScript family (JavaScript, TypeScript, TSX): their tree-sitter grammars
 * share node types, and TypeScript only adds some (types, signatures, `public_field_definition`, decorators
 * as class-body siblings). Each language's plug-in file passes its grammar and extensions.
 *
 * Finds functions that can be replaced as a whole: declarations, function-valued variables,
 * class and object members, CommonJS `exports.x = …` assignments and default exports, and wrapped definitions
 * (`const omit = curry(function omit(a, b) {…})`: the inner function is the target, named after the binding,
 * or after its own name for `export default memo(function Card…)` and `module.exports = curry(function f…)` as
 * for unwrapped default exports). Anonymous functions (callbacks, IIFEs) are not targets of their own; a change
 * inside one belongs to the named function around it.
 *
 * Ranges cover the declaration statement's whole lines (`export`, `const f =` and the trailing `;` included)
 * but never the comments or JSDoc above it: a candidate replacing the range keeps the original documentation.
 */
export function ecmascriptSupport(options: {
  language: Language;
  grammar: GrammarName;
  extensions: readonly string[];
}): LanguageSupport {
  const identifierTypes =
    options.grammar === 'javascript'
      ? javascriptIdentifierTypes
      : [...javascriptIdentifierTypes, 'type_identifier'];
  return {
    language: options.language,
    extensions: options.extensions,
    parse: (text) => parseEcmaScript(text, options.grammar, identifierTypes),
  };
}

interface Scope {
  /** Names of the enclosing named functions, classes and objects. */
  prefix: string[];
  /** Number of found functions enclosing the node. */
  depth: number;
}

/** Where a function or class value is bound, derived from its parent node. */
interface Binding {
  name: string;
  /** The node whose whole lines a replacement covers. */
  statement: Node;
  exportName?: string;
  unsafeReason?: string;
  /** Callee of the call the function is defined inside, for wrapped definitions. */
  wrapper?: string;
}

interface FoundAt {
  fn: FoundFunction;
  /** The node whose whole lines a replacement covers. */
  statement: Node;
  /** Unqualified name; prefixes the names of functions nested inside. */
  localName: string;
}

interface Container {
  /** Segment added to the qualified names of members; undefined for anonymous objects and `module.exports`. */
  name?: string;
  exportName?: string;
  /** `module.exports = { … }`: every member is exported under its key. */
  isModuleExports: boolean;
}

const declarationTypes = new Set(['function_declaration', 'generator_function_declaration']);
const javascriptIdentifierTypes = ['identifier', 'shorthand_property_identifier'];
const classTypes = new Set(['class', 'class_declaration', 'abstract_class_declaration']);
const fieldTypes = new Set(['field_definition', 'public_field_definition']);
const commentTypes = new Set(['comment', 'html_comment']);

// Stands for a nested function in its parent's tokens: its own edits are its own, but adding or removing one
// changes the parent.
const nestedFunction = '(nested function)';

async function parseEcmaScript(
  text: string,
  grammar: GrammarName,
  identifierTypes: string[],
): Promise<ParsedSource> {
  const parser = await createParser(grammar);
  const tree = parser.parse(text);
  parser.delete();
  if (!tree) throw new Error('tree-sitter returned no tree');
  let keepTree = false;
  try {
    const root = tree.rootNode;
    if (root.hasError) return { ok: false, syntaxErrorLine: firstSyntaxErrorLine(root) };

    const relevant = pathsTo(root, [...declarationTypes, 'method_definition', ...functionValueTypes]);
    const finder = new FunctionFinder(text, exportedLocals(root), relevant);
    finder.visit(root, { prefix: [], depth: 0 });
    // Built on first use: the base side of a diff never needs context.
    let context: ContextBuilder | undefined;
    const buildContext = () => {
      const { imports, definitions } = moduleLevelSource(root);
      const identifiers = new IdentifierIndex(
        root
          .descendantsOfType(identifierTypes)
          .flatMap((id) => (id ? [{ offset: id.startIndex, name: id.text }] : [])),
      );
      return new ContextBuilder(imports, definitions, identifiers);
    };

    const subjects = finder.subjects;
    const statements = finder.statements;
    const nestedPlaceholders = new Map([...statements.values()].map((node) => [node.id, nestedFunction]));
    let comments: CommentIndex | undefined;
    keepTree = true;
    return {
      ok: true,
      functions: finder.functions,
      contextFor: (fn) => {
        const subject = subjects.get(fn);
        if (!subject) return '';
        context ??= buildContext();
        return context.contextFor(subject);
      },
      tokensOf: (fn) => {
        const statement = statements.get(fn);
        if (!statement) return '';
        const decorators: Node[] = [];
        for (
          let node = rangeStart(statement);
          node.id !== statement.id;
          node = node.nextNamedSibling ?? statement
        ) {
          decorators.push(node);
        }
        // Nested functions are targets of their own: only this function's own code counts.
        const options = { text, ignoredTypes: commentTypes, replaced: nestedPlaceholders };
        return [...decorators, statement].map((node) => structuralTokens(node, options)).join('\u0000');
      },
      hasDocumentation: (fn) => {
        const statement = statements.get(fn);
        comments ??= new CommentIndex(root, ['comment']);
        return (
          statement !== undefined && comments.anyWithin(rangeStart(statement).startIndex, statement.endIndex)
        );
      },
      textOf: (fn) => {
        const statement = statements.get(fn);
        return statement ? text.slice(rangeStart(statement).startIndex, statement.endIndex) : '';
      },
      dispose: () => tree.delete(),
    };
  } finally {
    if (!keepTree) tree.delete();
  }
}

class FunctionFinder {
  readonly functions: FoundFunction[] = [];
  /** Per function: where its statement is, for building its context later. */
  readonly subjects = new Map<FoundFunction, ContextSubject>();
  /** Per function: the node its range covers (decorators aside). */
  readonly statements = new Map<FoundFunction, Node>();

  constructor(
    private readonly text: string,
    private readonly exportsByLocal: Map<string, string>,
    /** Nodes that are functions or hold one; nothing else needs visiting. */
    private readonly relevant: Set<number>,
  ) {}

  visit(node: Node, scope: Scope): void {
    const found = this.functionAt(node, scope);
    if (found) {
      this.record(found.fn, found.statement);
      const inner = { prefix: [...scope.prefix, found.localName], depth: scope.depth + 1 };
      for (const child of namedChildrenOf(node)) if (this.relevant.has(child.id)) this.visit(child, inner);
      return;
    }
    const containerName = this.containerAt(node)?.name;
    const childScope = containerName ? { ...scope, prefix: [...scope.prefix, containerName] } : scope;
    for (const child of namedChildrenOf(node)) if (this.relevant.has(child.id)) this.visit(child, childScope);
  }

  private record(fn: FoundFunction, statement: Node): void {
    this.functions.push(fn);
    this.statements.set(fn, statement);
    this.subjects.set(fn, {
      start: rangeStart(statement).startIndex,
      end: statement.endIndex,
      enclosingStatement: topLevelAncestor(statement).startIndex,
    });
  }

  private functionAt(node: Node, scope: Scope): FoundAt | undefined {
    if (declarationTypes.has(node.type)) return this.declaredFunction(node, scope);
    if (node.type === 'method_definition') return this.method(node, scope);
    if (functionValueTypes.has(node.type)) return this.functionValue(node, scope);
    return undefined;
  }

  private declaredFunction(node: Node, scope: Scope): FoundAt {
    const name = node.childForFieldName('name')?.text ?? 'default';
    const parent = node.parent;
    const exported = parent?.type === 'export_statement';
    const statement = exported && parent ? parent : node;
    let exportName: string | undefined;
    if (exported) exportName = hasChild(statement, 'default') ? 'default' : name;
    else if (isTopLevel(statement)) exportName = this.exportsByLocal.get(name);
    const kind: TargetKind = node.type === 'generator_function_declaration' ? 'generator' : 'function';
    return { fn: this.make(node, statement, scope, { name, kind, exportName }), statement, localName: name };
  }

  private method(node: Node, scope: Scope): FoundAt | undefined {
    const key = node.childForFieldName('name');
    const container = node.parent ? this.containerOf(node.parent) : undefined;
    if (!key || !container) return undefined;
    const name = propertyName(key);
    const accessor = hasChild(node, 'get') ? 'get' : hasChild(node, 'set') ? 'set' : undefined;
    const member = memberOf(scope, container, hasChild(node, 'static'), accessor);
    const exportName = container.isModuleExports ? name : undefined;
    const fn = this.make(node, node, scope, { name, kind: 'method', exportName, member });
    return { fn, statement: node, localName: name };
  }

  private functionValue(node: Node, scope: Scope): FoundAt | undefined {
    const binding = this.bindingOf(node) ?? this.wrappedBinding(node);
    if (!binding) return undefined;
    const kind: TargetKind =
      node.type === 'arrow_function'
        ? 'arrow'
        : node.type === 'generator_function'
          ? 'generator'
          : 'function-expression';
    const holder = binding.statement.type === 'pair' || fieldTypes.has(binding.statement.type);
    const container =
      holder && binding.statement.parent ? this.containerOf(binding.statement.parent) : undefined;
    const member = container ? memberOf(scope, container, hasChild(binding.statement, 'static')) : undefined;
    const fn = this.make(node, binding.statement, scope, { ...binding, kind, member });
    return { fn, statement: binding.statement, localName: binding.name };
  }

  private make(
    node: Node,
    statement: Node,
    scope: Scope,
    about: {
      name: string;
      kind: TargetKind;
      exportName?: string;
      member?: TargetMember;
      unsafeReason?: string;
      wrapper?: string;
    },
  ): FoundFunction {
    const start = rangeStart(statement);
    const unsafeReason =
      about.unsafeReason ??
      sharedLinesReason(this.text, start.startIndex, statement.endIndex, onlyPunctuationOrComment);
    return {
      name: [...scope.prefix, about.name].join('.'),
      kind: about.kind,
      startLine: start.startPosition.row + 1,
      endLine: statement.endPosition.row + 1,
      async: hasChild(node, 'async'),
      generator: node.type.startsWith('generator') || hasChild(node, '*'),
      depth: scope.depth,
      ...(about.exportName !== undefined ? { exportName: about.exportName } : {}),
      ...(about.member ? { member: about.member } : {}),
      ...(about.wrapper !== undefined ? { wrapper: about.wrapper } : {}),
      ...(unsafeReason ? { unsafeReason } : {}),
    };
  }

  /** `const f = curry(function f(…) {…})`: the binding of the outermost call, named like an unwrapped value. */
  private wrappedBinding(fn: Node): Binding | undefined {
    const wrapped = wrappedDefinition(fn);
    if (!wrapped) return undefined;
    const binding = this.bindingOf(wrapped.call, fn.childForFieldName('name')?.text);
    return binding ? { ...binding, wrapper: wrapped.wrapper } : undefined;
  }

  /** Name and statement of a function or class value, or undefined for anonymous values such as callbacks. */
  private bindingOf(value: Node, ownName = value.childForFieldName('name')?.text): Binding | undefined {
    const parent = value.parent;
    if (!parent) return undefined;
    switch (parent.type) {
      case 'variable_declarator':
        return this.variableBinding(parent, value);
      case 'pair': {
        const key = parent.childForFieldName('key');
        const container = parent.parent ? this.containerOf(parent.parent) : undefined;
        if (!key || parent.childForFieldName('value')?.id !== value.id) return undefined;
        const name = propertyName(key);
        return { name, statement: parent, ...(container?.isModuleExports ? { exportName: name } : {}) };
      }
      case 'field_definition':
      case 'public_field_definition': {
        const property = parent.childForFieldName('property') ?? parent.childForFieldName('name');
        return property ? { name: propertyName(property), statement: parent } : undefined;
      }
      case 'assignment_expression':
        return this.assignmentBinding(parent, value, ownName);
      case 'export_statement':
        return { name: ownName ?? 'default', statement: parent, exportName: 'default' };
      default:
        return undefined;
    }
  }

  private variableBinding(declarator: Node, value: Node): Binding | undefined {
    const id = declarator.childForFieldName('name');
    if (id?.type !== 'identifier' || declarator.childForFieldName('value')?.id !== value.id) return undefined;
    const declaration = declarator.parent;
    if (!declaration) return undefined;
    const declarators = namedChildrenOf(declaration).filter((n) => n.type === 'variable_declarator');
    if (declarators.length > 1) {
      return {
        name: id.text,
        statement: declarator,
        unsafeReason: 'declared in one statement together with other variables',
      };
    }
    const exported = declaration.parent?.type === 'export_statement';
    const statement = exported && declaration.parent ? declaration.parent : declaration;
    const exportName = exported
      ? id.text
      : isTopLevel(statement)
        ? this.exportsByLocal.get(id.text)
        : undefined;
    return { name: id.text, statement, ...(exportName ? { exportName } : {}) };
  }

  private assignmentBinding(assignment: Node, value: Node, ownName?: string): Binding | undefined {
    const statement = assignment.parent;
    const left = assignment.childForFieldName('left');
    if (statement?.type !== 'expression_statement' || !left) return undefined;
    if (assignment.childForFieldName('right')?.id !== value.id) return undefined;
    const target = commonJsTarget(left.text);
    if (target === 'module') return { name: ownName ?? 'default', statement, exportName: 'default' };
    if (target) return { name: target, statement, exportName: target };
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(left.text)) return undefined;
    return { name: left.text, statement };
  }

  /** For class and object nodes: the name their members are qualified with. */
  containerOf(node: Node): Container | undefined {
    const holder = node.type === 'class_body' ? node.parent : node;
    if (!holder || (holder.type !== 'object' && !classTypes.has(holder.type))) return undefined;
    const assignment = holder.parent?.type === 'assignment_expression' ? holder.parent : undefined;
    if (assignment && commonJsTarget(assignment.childForFieldName('left')?.text ?? '') === 'module') {
      return { isModuleExports: true };
    }
    const ownName = holder.childForFieldName('name')?.text;
    if (holder.type !== 'class' && holder.type !== 'object' && ownName) {
      const parent = holder.parent;
      const exportName =
        parent?.type === 'export_statement'
          ? hasChild(parent, 'default')
            ? 'default'
            : ownName
          : isTopLevel(holder)
            ? this.exportsByLocal.get(ownName)
            : undefined;
      return { name: ownName, isModuleExports: false, ...(exportName ? { exportName } : {}) };
    }
    const binding = this.bindingOf(holder);
    const name = binding?.name ?? ownName;
    return {
      isModuleExports: false,
      ...(name ? { name } : {}),
      ...(binding?.exportName ? { exportName: binding.exportName } : {}),
    };
  }

  private containerAt(node: Node): Container | undefined {
    if (node.type !== 'object' && !classTypes.has(node.type)) return undefined;
    return this.containerOf(node);
  }
}

function memberOf(
  scope: Scope,
  container: Container,
  isStatic: boolean,
  accessor?: 'get' | 'set',
): TargetMember {
  // Inside a named container the scope's prefix ends with the container's own name.
  const owner = container.isModuleExports
    ? 'module.exports'
    : container.name
      ? scope.prefix.join('.')
      : '(anonymous)';
  return {
    owner,
    ...(container.exportName ? { ownerExportName: container.exportName } : {}),
    static: isStatic,
    ...(accessor ? { accessor } : {}),
  };
}

/** `module.exports` → 'module'; `module.exports.f` / `exports.f` → 'f'; anything else → undefined. */
export function commonJsTarget(left: string): string | undefined {
  if (left === 'module.exports') return 'module';
  return /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(left)?.[1];
}

/** Local names the module exports, from `export { a, b as c }`, `export default a` and CommonJS assignments. */
function exportedLocals(root: Node): Map<string, string> {
  const exports = new Map<string, string>();
  const add = (local: string, exported: string) => {
    if (!exports.has(local)) exports.set(local, exported);
  };
  for (const statement of namedChildrenOf(root)) {
    if (statement.type === 'export_statement' && !statement.childForFieldName('source')) {
      for (const specifier of statement.descendantsOfType('export_specifier')) {
        const local = specifier?.childForFieldName('name')?.text;
        if (local) add(local, specifier?.childForFieldName('alias')?.text ?? local);
      }
      const value = statement.childForFieldName('value');
      if (value?.type === 'identifier') add(value.text, 'default');
    }
    const assignment = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
    if (assignment?.type !== 'assignment_expression') continue;
    const target = commonJsTarget(assignment.childForFieldName('left')?.text ?? '');
    const right = assignment.childForFieldName('right');
    if (!target || !right) continue;
    if (right.type === 'identifier') add(right.text, target === 'module' ? 'default' : target);
    if (target === 'module' && right.type === 'object') {
      for (const property of namedChildrenOf(right)) {
        if (property.type === 'shorthand_property_identifier') add(property.text, property.text);
        const value = property.type === 'pair' ? property.childForFieldName('value') : null;
        const key = property.type === 'pair' ? property.childForFieldName('key') : null;
        if (value?.type === 'identifier' && key) add(value.text, propertyName(key));
      }
    }
  }
  return exports;
}

/** Import and require statements, and the named module-level definitions other code may reference. */
function moduleLevelSource(root: Node): { imports: string[]; definitions: ModuleDefinition[] } {
  const imports: string[] = [];
  const definitions: ModuleDefinition[] = [];
  for (const statement of namedChildrenOf(root)) {
    if (statement.type === 'import_statement' || isRequireStatement(statement)) {
      imports.push(statement.text);
      continue;
    }
    const declaration =
      statement.type === 'export_statement' ? statement.childForFieldName('declaration') : statement;
    const names = declaration ? declaredNames(declaration) : [];
    if (names.length === 0) continue;
    definitions.push({ names, source: statement.text, start: statement.startIndex, end: statement.endIndex });
  }
  return { imports, definitions };
}

function declaredNames(declaration: Node): string[] {
  switch (declaration.type) {
    case 'function_declaration':
    case 'generator_function_declaration':
    case 'class_declaration':
    case 'abstract_class_declaration':
    case 'type_alias_declaration':
    case 'interface_declaration':
    case 'enum_declaration': {
      const name = declaration.childForFieldName('name')?.text;
      return name ? [name] : [];
    }
    case 'lexical_declaration':
    case 'variable_declaration':
      return namedChildrenOf(declaration)
        .filter((n) => n.type === 'variable_declarator')
        .flatMap((declarator) => {
          const pattern = declarator.childForFieldName('name');
          if (!pattern) return [];
          if (pattern.type === 'identifier') return [pattern.text];
          return pattern
            .descendantsOfType(['identifier', 'shorthand_property_identifier_pattern'])
            .flatMap((id) => (id ? [id.text] : []));
        });
    default:
      return [];
  }
}

/** `const x = require('x')`, `const { a } = require('x').b`, `require('x');` — but not functions that call require. */
function isRequireStatement(statement: Node): boolean {
  const isDeclaration = statement.type === 'lexical_declaration' || statement.type === 'variable_declaration';
  if (!isDeclaration && statement.type !== 'expression_statement') return false;
  const callsRequire = statement
    .descendantsOfType('call_expression')
    .some((call) => call?.childForFieldName('function')?.text === 'require');
  const definesFunction = statement.descendantsOfType([...functionValueTypes, 'class']).length > 0;
  return callsRequire && !definesFunction;
}

const onlyPunctuationOrComment = /^[\s,;]*(\/\/.*|\/\*.*\*\/\s*)?$/;

/**
 * Where a replacement starts: TypeScript's grammar puts a member's decorators before it as siblings in the class
 * body (JavaScript's puts them inside). Decorators are part of the range either way, so a candidate sees them and
 * keeps or drops them knowingly, and the suggestion never leaves a decorator attached to the wrong member.
 */
function rangeStart(statement: Node): Node {
  let start = statement;
  let previous = statement.previousNamedSibling;
  while (previous?.type === 'decorator') {
    start = previous;
    previous = previous.previousNamedSibling;
  }
  return start;
}

function propertyName(key: Node): string {
  if (key.type === 'string') return key.text.slice(1, -1);
  return key.text;
}

function hasChild(node: Node, type: string): boolean {
  for (let i = 0; i < node.childCount; i++) if (node.child(i)?.type === type) return true;
  return false;
}

function isTopLevel(node: Node): boolean {
  const parent = node.parent;
  if (parent?.type === 'export_statement') return parent.parent?.type === 'program';
  return parent?.type === 'program';
}

function topLevelAncestor(node: Node): Node {
  let current = node;
  while (current.parent && current.parent.type !== 'program') current = current.parent;
  return current;
}

import type { Node } from 'web-tree-sitter';
import {
  ContextBuilder,
  type ContextSubject,
  IdentifierIndex,
  type ModuleDefinition,
} from '../../../detect/languages/context.js';
import type {
  FoundFunction,
  LanguageSupport,
  ParsedSource,
} from '../../../detect/languages/language-support.js';
import {
  CommentIndex,
  firstSyntaxErrorLine,
  namedChildrenOf,
  pathsTo,
  sharedLinesReason,
  structuralTokens,
} from '../../../detect/languages/syntax-tree.js';
import { createParser } from '../../../detect/tree-sitter.js';
import type { TargetKind, TargetMember } from '../../../detect/types.js';

/**
 * Finds Python functions: `def` and `async def` at module level, in classes (methods, including
 * `@staticmethod`, `@classmethod`, `@property` and its setter) and nested in other functions. Lambdas are not
 * targets; a change inside one belongs to the function around it.
 *
 * Ranges start at the first decorator (a candidate must keep them, and a suggestion must not strand one) and end
 * at the last line of the body, so the docstring is inside the range; comments above a `def` stay out. A
 * docstring-only edit counts as a documentation change, like a comment: it does not make a function a target.
 *
 * Every module-level function is exported under its own name (Python modules expose all top-level names);
 * methods carry their class through `member`, as in JavaScript.
 */
export const python: LanguageSupport = {
  language: 'python',
  extensions: ['.py'],
  parse: parsePython,
};

interface Scope {
  prefix: string[];
  depth: number;
  /** Set while visiting the direct body of a class. */
  owner?: { name: string; exportName?: string };
}

const importTypes = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);
const trailingAllowed = /^\s*(#.*)?$/;
const commentTypes = new Set(['comment']);

// Stands for a nested function in its parent's tokens: its own edits are its own, but adding or removing one
// changes the parent.
const nestedFunction = '(nested function)';

async function parsePython(text: string): Promise<ParsedSource> {
  const parser = await createParser('python');
  const tree = parser.parse(text);
  parser.delete();
  if (!tree) throw new Error('tree-sitter returned no tree');
  let keepTree = false;
  try {
    const root = tree.rootNode;
    if (root.hasError) return { ok: false, syntaxErrorLine: firstSyntaxErrorLine(root) };

    const finder = new PythonFunctionFinder(text, pathsTo(root, ['function_definition']));
    finder.visit(root, { prefix: [], depth: 0 });
    // Built on first use: the base side of a diff never needs context.
    let context: ContextBuilder | undefined;
    const buildContext = () => {
      const { imports, definitions } = moduleLevelSource(root);
      const identifiers = new IdentifierIndex(
        root
          .descendantsOfType('identifier')
          .flatMap((id) => (id ? [{ offset: id.startIndex, name: id.text }] : [])),
      );
      return new ContextBuilder(imports, definitions, identifiers);
    };

    const { statements, subjects } = finder;
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
        const docstring = docstringOf(statement);
        const replaced = docstring
          ? new Map([...nestedPlaceholders, [docstring.id, '']])
          : nestedPlaceholders;
        return structuralTokens(statement, { text, ignoredTypes: commentTypes, replaced });
      },
      hasDocumentation: (fn) => {
        const statement = statements.get(fn);
        return (
          statement !== undefined &&
          (docstringOf(statement) !== undefined || statement.descendantsOfType('comment').length > 0)
        );
      },
      textOf: (fn) => statements.get(fn)?.text ?? '',
      dispose: () => tree.delete(),
    };
  } finally {
    if (!keepTree) tree.delete();
  }
}

class PythonFunctionFinder {
  readonly functions: FoundFunction[] = [];
  readonly statements = new Map<FoundFunction, Node>();
  readonly subjects = new Map<FoundFunction, ContextSubject>();

  constructor(
    private readonly text: string,
    /** Nodes that are functions or hold one; nothing else needs visiting. */
    private readonly relevant: Set<number>,
  ) {}

  visit(node: Node, scope: Scope): void {
    if (node.type === 'function_definition') {
      const name = node.childForFieldName('name')?.text;
      if (name) {
        this.record(node, name, scope);
        const inner = { prefix: [...scope.prefix, name], depth: scope.depth + 1 };
        for (const child of namedChildrenOf(node)) if (this.relevant.has(child.id)) this.visit(child, inner);
        return;
      }
    }
    if (node.type === 'class_definition') {
      const name = node.childForFieldName('name')?.text;
      if (name) {
        const qualified = [...scope.prefix, name].join('.');
        const topLevel = statementOf(node).parent?.type === 'module';
        const owner = { name: qualified, ...(topLevel ? { exportName: name } : {}) };
        const body = node.childForFieldName('body');
        const inner: Scope = { prefix: [...scope.prefix, name], depth: scope.depth, owner };
        if (body)
          for (const child of namedChildrenOf(body))
            if (this.relevant.has(child.id)) this.visit(child, inner);
        return;
      }
    }
    // Only the direct body of a class holds methods; any other block (if, try, with) keeps the scope's names.
    const childScope =
      scope.owner && node.type !== 'decorated_definition' ? { ...scope, owner: undefined } : scope;
    for (const child of namedChildrenOf(node)) if (this.relevant.has(child.id)) this.visit(child, childScope);
  }

  private record(node: Node, name: string, scope: Scope): void {
    const statement = statementOf(node);
    const decorators = decoratorNames(statement);
    const generator = isGenerator(node);
    const member = scope.owner ? memberOf(scope.owner, decorators) : undefined;
    const kind: TargetKind = member ? 'method' : generator ? 'generator' : 'function';
    const unsafeReason = sharedLinesReason(
      this.text,
      statement.startIndex,
      statement.endIndex,
      trailingAllowed,
    );
    const fn: FoundFunction = {
      name: [...scope.prefix, name].join('.'),
      kind,
      startLine: statement.startPosition.row + 1,
      endLine: statement.endPosition.row + 1,
      async: hasChild(node, 'async'),
      generator,
      depth: scope.depth,
      ...(statement.parent?.type === 'module' ? { exportName: name } : {}),
      ...(member ? { member } : {}),
      ...(unsafeReason ? { unsafeReason } : {}),
    };
    this.functions.push(fn);
    this.statements.set(fn, statement);
    this.subjects.set(fn, {
      start: statement.startIndex,
      end: statement.endIndex,
      enclosingStatement: topLevelAncestor(statement).startIndex,
    });
  }
}

function memberOf(owner: { name: string; exportName?: string }, decorators: string[]): TargetMember {
  const accessor = decorators.includes('property')
    ? 'get'
    : decorators.some((d) => d.endsWith('.setter'))
      ? 'set'
      : undefined;
  return {
    owner: owner.name,
    ...(owner.exportName ? { ownerExportName: owner.exportName } : {}),
    // Both are called on the class rather than on an instance.
    static: decorators.includes('staticmethod') || decorators.includes('classmethod'),
    ...(accessor ? { accessor } : {}),
  };
}

/** The decorated_definition around a definition, or the definition itself. */
function statementOf(definition: Node): Node {
  const parent = definition.parent;
  return parent?.type === 'decorated_definition' ? parent : definition;
}

/** `@functools.cache` → `functools.cache`; `@lru_cache(maxsize=8)` → `lru_cache`. */
function decoratorNames(statement: Node): string[] {
  if (statement.type !== 'decorated_definition') return [];
  return namedChildrenOf(statement)
    .filter((child) => child.type === 'decorator')
    .map((decorator) => {
      const expression = decorator.namedChild(0);
      const callee = expression?.type === 'call' ? expression.childForFieldName('function') : expression;
      return callee?.text ?? '';
    });
}

/** A `yield` in the function's own body (not in nested functions, lambdas or classes) makes it a generator. */
function isGenerator(fn: Node): boolean {
  const body = fn.childForFieldName('body');
  const stack = body ? [body] : [];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) break;
    if (node.type === 'yield') return true;
    for (const child of namedChildrenOf(node)) {
      if (
        child.type !== 'function_definition' &&
        child.type !== 'lambda' &&
        child.type !== 'class_definition'
      ) {
        stack.push(child);
      }
    }
  }
  return false;
}

/** The first statement of a function's body when it is a lone string literal. */
function docstringOf(statement: Node): Node | undefined {
  const definition =
    statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
  const first = definition?.childForFieldName('body')?.namedChild(0);
  if (first?.type !== 'expression_statement' || first.namedChildCount !== 1) return undefined;
  return first.namedChild(0)?.type === 'string' ? first : undefined;
}

function moduleLevelSource(root: Node): { imports: string[]; definitions: ModuleDefinition[] } {
  const imports: string[] = [];
  const definitions: ModuleDefinition[] = [];
  for (const statement of namedChildrenOf(root)) {
    if (importTypes.has(statement.type)) {
      imports.push(statement.text);
      continue;
    }
    const names = declaredNames(statement);
    if (names.length === 0) continue;
    definitions.push({ names, source: statement.text, start: statement.startIndex, end: statement.endIndex });
  }
  return { imports, definitions };
}

function declaredNames(statement: Node): string[] {
  switch (statement.type) {
    case 'decorated_definition': {
      const definition = statement.childForFieldName('definition');
      return definition ? declaredNames(definition) : [];
    }
    case 'function_definition':
    case 'class_definition': {
      const name = statement.childForFieldName('name')?.text;
      return name ? [name] : [];
    }
    case 'expression_statement': {
      const assignment = statement.namedChild(0);
      const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
      if (!left) return [];
      if (left.type === 'identifier') return [left.text];
      return left.descendantsOfType('identifier').flatMap((id) => (id ? [id.text] : []));
    }
    case 'type_alias_statement': {
      const name = statement.namedChild(0)?.text;
      return name ? [name] : [];
    }
    default:
      return [];
  }
}

function hasChild(node: Node, type: string): boolean {
  for (let i = 0; i < node.childCount; i++) if (node.child(i)?.type === type) return true;
  return false;
}

function topLevelAncestor(node: Node): Node {
  let current = node;
  while (current.parent && current.parent.type !== 'module') current = current.parent;
  return current;
}

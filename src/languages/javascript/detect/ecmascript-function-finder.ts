import type { Node } from 'web-tree-sitter';
import type { ContextSubject } from '../../../detect/languages/context.js';
import type { FoundFunction } from '../../../detect/languages/language-support.js';
import {
  functionDeclarationTypes,
  functionValueTypes,
  namedChildrenOf,
  sharedLinesReason,
} from '../../../detect/languages/syntax-tree.js';
import { wrappedDefinition } from '../../../detect/languages/wrapped-definition.js';
import type { TargetKind, TargetMember } from '../../../detect/types.js';
import { commonJsTarget } from './ecmascript-module-level.js';
import { hasChild, isTopLevel, propertyName, rangeStart, topLevelAncestor } from './ecmascript-nodes.js';

export interface Scope {
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

const classTypes = new Set(['class', 'class_declaration', 'abstract_class_declaration']);
const fieldTypes = new Set(['field_definition', 'public_field_definition']);
const onlyPunctuationOrComment = /^[\s,;]*(\/\/.*|\/\*.*\*\/\s*)?$/;

export class FunctionFinder {
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
    if (functionDeclarationTypes.has(node.type)) return this.declaredFunction(node, scope);
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

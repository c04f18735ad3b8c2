import type { Node } from 'web-tree-sitter';
import { ecmascriptFunctionTypes } from '../../../detect/languages/syntax-tree.js';
import { named, perNode } from '../../../optimize/capability-syntax.js';

const blockTypes = new Set(['statement_block', 'program', 'switch_body', 'class_body']);
const loopTypes = new Set(['for_statement', 'for_in_statement', 'catch_clause']);

/** Names a declaration pattern binds (`a`, `{ b, c: d }`, `[e, ...f]`, `g = 1`, TypeScript parameters). */
function patternNames(node: Node | null): string[] {
  if (!node) return [];
  switch (node.type) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      return [node.text];
    case 'pair_pattern':
      return patternNames(node.childForFieldName('value'));
    case 'assignment_pattern':
    case 'object_assignment_pattern':
      return patternNames(node.childForFieldName('left'));
    case 'required_parameter':
    case 'optional_parameter':
      return patternNames(node.childForFieldName('pattern'));
    case 'object_pattern':
    case 'array_pattern':
    case 'rest_pattern':
    case 'formal_parameters':
      return named(node).flatMap(patternNames);
    default:
      return [];
  }
}

/** Declarations found under `node` without entering nested functions; `vars` only or lexical ones too. */
function collectDeclarations(node: Node, into: Set<string>, lexical: boolean): void {
  for (const child of named(node)) {
    if (ecmascriptFunctionTypes.has(child.type)) {
      if (child.type.endsWith('_declaration') && lexical) {
        const name = child.childForFieldName('name');
        if (name) into.add(name.text);
      }
      continue;
    }
    if (child.type === 'variable_declaration' || (lexical && child.type === 'lexical_declaration')) {
      for (const declarator of named(child)) {
        if (declarator.type === 'variable_declarator')
          for (const n of patternNames(declarator.childForFieldName('name'))) into.add(n);
      }
    }
    if (lexical && child.type === 'class_declaration') {
      const name = child.childForFieldName('name');
      if (name) into.add(name.text);
    }
    // var declarations hoist out of blocks; lexical ones belong to the block they are in.
    if (child.type !== 'variable_declaration' && child.type !== 'lexical_declaration') {
      collectDeclarations(child, into, false);
    }
  }
}

/** Names declared directly in a scope node. */
const declaredIn = perNode((scope: Node): Set<string> => {
  const names = new Set<string>();
  if (ecmascriptFunctionTypes.has(scope.type)) {
    for (const n of patternNames(scope.childForFieldName('parameters'))) names.add(n);
    const single = scope.childForFieldName('parameter');
    if (single) for (const n of patternNames(single)) names.add(n);
    if (scope.type === 'function_expression' || scope.type === 'function') {
      const name = scope.childForFieldName('name');
      if (name) names.add(name.text);
    }
    const body = scope.childForFieldName('body');
    if (body) {
      collectDeclarations(body, names, true);
      // var declarations anywhere in the body, outside nested functions.
      const hoisted = (node: Node) => {
        for (const child of named(node)) {
          if (ecmascriptFunctionTypes.has(child.type)) continue;
          if (child.type === 'variable_declaration') {
            for (const d of named(child))
              for (const n of patternNames(d.childForFieldName('name'))) names.add(n);
          }
          hoisted(child);
        }
      };
      hoisted(body);
    }
  } else if (blockTypes.has(scope.type)) {
    collectDeclarations(scope, names, true);
  } else if (loopTypes.has(scope.type)) {
    const declared =
      scope.childForFieldName('initializer') ??
      scope.childForFieldName('left') ??
      scope.childForFieldName('parameter');
    if (declared?.type === 'lexical_declaration' || declared?.type === 'variable_declaration') {
      for (const d of named(declared))
        for (const n of patternNames(d.childForFieldName('name'))) names.add(n);
    } else if (scope.type !== 'for_statement') {
      // `for (const x of …)` puts the pattern in `left` with the kind as a sibling token.
      const kind = scope.childForFieldName('kind');
      if (kind || scope.type === 'catch_clause') for (const n of patternNames(declared)) names.add(n);
    }
  }
  return names;
});

export function isLocal(reference: Node, name: string): boolean {
  for (let scope = reference.parent; scope; scope = scope.parent) {
    if (declaredIn(scope).has(name)) return true;
  }
  return false;
}

/** Whether an identifier node is a name being read (not a declaration's name, a label, a property). */
export function isReference(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'labeled_statement' || parent.type === 'break_statement') return false;
  if (parent.type === 'continue_statement' || parent.type === 'import_specifier') return false;
  if (parent.type === 'import_clause' || parent.type === 'namespace_import') return false;
  return true;
}

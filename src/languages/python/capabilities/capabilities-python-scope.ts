import type { Node } from 'web-tree-sitter';
import { named, perNode } from '../../../optimize/capability-syntax.js';

const scopeTypes = new Set(['function_definition', 'lambda', 'class_definition']);

function targetNames(node: Node | null, into: Set<string>): void {
  if (!node) return;
  if (node.type === 'identifier') {
    into.add(node.text);
    return;
  }
  if (node.type === 'attribute' || node.type === 'subscript') return;
  for (const child of named(node)) targetNames(child, into);
}

/** Names a function (or class, lambda) binds in its own scope: parameters, assignments, imports, defs. */
function boundIn(scope: Node): Set<string> {
  const names = new Set<string>();
  const parameters = scope.childForFieldName('parameters');
  for (const parameter of named(parameters)) {
    const name =
      parameter.type === 'identifier'
        ? parameter
        : (parameter.childForFieldName('name') ?? named(parameter)[0]);
    if (name?.type === 'identifier') names.add(name.text);
  }
  const walk = (node: Node) => {
    for (const child of named(node)) {
      if (scopeTypes.has(child.type)) {
        const name = child.childForFieldName('name');
        if (name) names.add(name.text);
        continue;
      }
      switch (child.type) {
        case 'assignment':
        case 'augmented_assignment':
        case 'for_statement':
        case 'for_in_clause':
          targetNames(child.childForFieldName('left'), names);
          break;
        case 'named_expression':
          targetNames(child.childForFieldName('name'), names);
          break;
        case 'as_pattern':
          targetNames(child.childForFieldName('alias'), names);
          break;
        case 'import_statement':
        case 'import_from_statement':
          for (const imported of child.childrenForFieldName('name')) {
            if (!imported) continue;
            const alias = imported.childForFieldName('alias');
            names.add(alias?.text ?? imported.text.split('.')[0] ?? imported.text);
          }
          break;
      }
      walk(child);
    }
  };
  const body = scope.childForFieldName('body');
  if (body) walk(body);
  return names;
}

const boundNames = perNode(boundIn);

export function isLocal(reference: Node, name: string): boolean {
  for (let scope = reference.parent; scope; scope = scope.parent) {
    if (!scopeTypes.has(scope.type)) continue;
    if (boundNames(scope).has(name)) return true;
  }
  return false;
}

export function isReference(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'attribute' && parent.childForFieldName('attribute')?.id === node.id) return false;
  if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.id === node.id) return false;
  if (parent.type === 'dotted_name' || parent.type === 'aliased_import') return false;
  if (scopeTypes.has(parent.type) && parent.childForFieldName('name')?.id === node.id) return false;
  if (parent.type === 'parameters' || parent.type === 'lambda_parameters') return false;
  if (parent.type === 'default_parameter' || parent.type === 'typed_parameter') {
    return parent.childForFieldName('name')?.id !== node.id && parent.type === 'default_parameter';
  }
  return true;
}

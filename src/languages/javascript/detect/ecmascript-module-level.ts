import type { Node } from 'web-tree-sitter';
import type { ModuleDefinition } from '../../../detect/languages/context.js';
import { functionValueTypes, namedChildrenOf } from '../../../detect/languages/syntax-tree.js';
import { propertyName } from './ecmascript-nodes.js';

/** `module.exports` → 'module'; `module.exports.f` / `exports.f` → 'f'; anything else → undefined. */
export function commonJsTarget(left: string): string | undefined {
  if (left === 'module.exports') return 'module';
  return /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(left)?.[1];
}

/** Local names the module exports, from `export { a, b as c }`, `export default a` and CommonJS assignments. */
export function exportedLocals(root: Node): Map<string, string> {
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
export function moduleLevelSource(root: Node): { imports: string[]; definitions: ModuleDefinition[] } {
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

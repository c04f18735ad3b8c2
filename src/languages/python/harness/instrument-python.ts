import type { Node } from 'web-tree-sitter';
import { createParser } from '../../../detect/tree-sitter.js';
import type { Target } from '../../../detect/types.js';
import type { Instrumented } from '../../../harness/types.js';

export interface InstrumentPythonOptions {
  fileText: string;
  target: Target;
}

/** The module the instrumented file imports; the harness puts its directory on PYTHONPATH. */
export const pythonRecorderModule = 'afterburner_recorder';

function definitionOf(statement: Node): Node {
  if (statement.type !== 'decorated_definition') return statement;
  return statement.childForFieldName('definition') ?? statement;
}

function topLevelDefinition(root: Node, type: string, name: string): Node | undefined {
  for (const child of root.namedChildren) {
    if (!child) continue;
    const definition = definitionOf(child);
    if (definition.type === type && definition.childForFieldName('name')?.text === name) return definition;
  }
  return undefined;
}

function hasMethod(classNode: Node, name: string): boolean {
  const body = classNode.childForFieldName('body');
  return (body?.namedChildren ?? []).some(
    (child) =>
      !!child &&
      definitionOf(child).type === 'function_definition' &&
      definitionOf(child).childForFieldName('name')?.text === name,
  );
}

/** The line appended to the module, or why the target cannot be reached from outside it. */
function wrapLine(root: Node, target: Target): string {
  const id = JSON.stringify(target.id);
  const parts = target.name.split('.');
  const name = parts.at(-1) as string;
  if (target.member) {
    if (target.member.owner.includes('.') || parts.length !== 2) {
      throw new Error('methods of nested classes are not reachable yet');
    }
    const owner = topLevelDefinition(root, 'class_definition', target.member.owner);
    if (!owner)
      throw new Error(`its class \`${target.member.owner}\` is not defined at the top of the module`);
    if (!hasMethod(owner, name))
      throw new Error(`\`${name}\` is not defined directly in \`${target.member.owner}\``);
    const kind = JSON.stringify(target.member.accessor ?? 'method');
    return `__afterburner.wrap_method(${id}, ${target.member.owner}, ${JSON.stringify(name)}, ${kind})`;
  }
  if (parts.length !== 1) throw new Error('nested functions cannot be called on their own');
  if (!topLevelDefinition(root, 'function_definition', name)) {
    throw new Error('its definition was not found at the top of the module');
  }
  return `${name} = __afterburner.wrap(${id}, ${name})`;
}

/**
 * A copy of the module that records the target's calls. Nothing moves: the wrapper is installed by lines appended
 * at the end, so line numbers in tracebacks stay right and `from module import name` in the tests, which runs
 * after the module finished loading, gets the wrapper.
 */
export async function instrumentPython(options: InstrumentPythonOptions): Promise<Instrumented> {
  const { fileText, target } = options;
  const parser = await createParser('python');
  const tree = parser.parse(fileText);
  try {
    if (!tree || tree.rootNode.hasError) return { ok: false, reason: 'the file could not be parsed' };
    let line: string;
    try {
      line = wrapLine(tree.rootNode, target);
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
    const separator = fileText.endsWith('\n') || fileText === '' ? '' : '\n';
    const appended = [
      '',
      '# Added by afterburner in its sandbox copy: records the calls the tests make.',
      `import ${pythonRecorderModule} as __afterburner`,
      line,
      '',
    ].join('\n');
    return { ok: true, text: `${fileText}${separator}${appended}` };
  } finally {
    tree?.delete();
    parser.delete();
  }
}

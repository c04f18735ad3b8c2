import type { Node } from 'web-tree-sitter';
import type { RuleEdit, RuleFamily } from './rule.js';
import type { FunctionSnippet } from './snippet.js';
import { asMemberCall, descendants, namedChildren } from './syntax.js';

/**
 * What a rule's rewrite left behind: a local list that is still filled but no longer read. A dedupe rule that
 * answers `seen.includes(x)` from a Set keeps `seen.push(x)`, and when nothing else reads `seen` any more, the
 * list costs memory and time for nothing. Removed: the declaration `const seen = []` (Python `seen = []`) and
 * every `seen.push(a)` or `seen[seen.length] = a` (`seen.append(a)`) statement, only when
 * - the original read the list in some other way (so it is the rewrite that made it dead, not the author),
 * - every argument pushed is a plain name or a literal (removing the statement removes no side effect),
 * - each removed statement sits in a block that keeps another statement (Python) or in a braced block (JS).
 */
export function deadAccumulatorEdits(original: FunctionSnippet, rewritten: FunctionSnippet): RuleEdit[] {
  const edits: RuleEdit[] = [];
  const declared = emptyListDeclarations(rewritten);
  const declaredBefore = emptyListDeclarations(original);
  const removedPerBlock = new Map<number, number>();
  for (const declaration of declared) {
    if (declared.filter((d) => d.name === declaration.name).length !== 1) continue;
    const uses = nameNodes(rewritten.fn, declaration.name).filter(
      (node) => !sameRange(node, declaration.nameNode),
    );
    const appends = uses.map((node) => appendStatement(rewritten, node));
    if (appends.some((statement) => statement === null)) continue;
    const before = declaredBefore.filter((d) => d.name === declaration.name);
    const readBefore = nameNodes(original.fn, declaration.name).some(
      (node) => !before.some((d) => sameRange(d.nameNode, node)) && !appendStatement(original, node),
    );
    if (before.length !== 1 || !readBefore) continue;
    // `seen[seen.length] = a` names the list twice: one statement, removed once.
    const statements = [declaration.statement, ...(appends as Node[])].filter(
      (statement, at, all) => all.findIndex((other) => sameRange(other, statement)) === at,
    );
    if (!statements.every((statement) => removable(rewritten, statement, removedPerBlock))) continue;
    edits.push(...statements.map((statement) => removeStatement(rewritten, statement)));
  }
  return edits;
}

interface ListDeclaration {
  name: string;
  nameNode: Node;
  statement: Node;
}

function emptyListDeclarations(snippet: FunctionSnippet): ListDeclaration[] {
  const found: ListDeclaration[] = [];
  if (snippet.family === 'javascript') {
    for (const statement of descendants(
      snippet.fn,
      new Set(['lexical_declaration', 'variable_declaration']),
    )) {
      const declarators = namedChildren(statement).filter((n) => n.type === 'variable_declarator');
      const [declarator] = declarators;
      const nameNode = declarator?.childForFieldName('name');
      const value = declarator?.childForFieldName('value');
      if (declarators.length !== 1 || nameNode?.type !== 'identifier') continue;
      if (value?.type !== 'array' || value.namedChildCount !== 0) continue;
      found.push({ name: nameNode.text, nameNode, statement });
    }
  } else {
    for (const statement of descendants(snippet.fn, new Set(['expression_statement']))) {
      const assignment = statement.namedChild(0);
      const left = assignment?.childForFieldName('left');
      const right = assignment?.childForFieldName('right');
      if (assignment?.type !== 'assignment' || statement.namedChildCount !== 1) continue;
      if (left?.type !== 'identifier' || right?.type !== 'list' || right.namedChildCount !== 0) continue;
      if (assignment.childForFieldName('type')) continue;
      found.push({ name: left.text, nameNode: left, statement });
    }
  }
  return found;
}

function nameNodes(root: Node, name: string): Node[] {
  return descendants(root, new Set(['identifier'])).filter((node) => node.text === name);
}

function sameRange(a: Node, b: Node): boolean {
  return a.startIndex === b.startIndex && a.endIndex === b.endIndex;
}

/** The statement `name.push(a, b)` / `name.append(a)` whose receiver is `node`, when its arguments are inert. */
function appendStatement(snippet: FunctionSnippet, node: Node): Node | null {
  if (snippet.family === 'javascript') {
    const indexed = lengthAppendStatement(node);
    if (indexed) return indexed;
    const call = node.parent?.parent;
    const member = call ? asMemberCall(call) : null;
    if (!member || member.method !== 'push' || !sameRange(member.receiver, node)) return null;
    if (!member.args.every((arg) => inert(arg, 'javascript'))) return null;
    return member.call.parent?.type === 'expression_statement' ? member.call.parent : null;
  }
  const attribute = node.parent;
  const call = attribute?.parent;
  if (attribute?.type !== 'attribute' || call?.type !== 'call') return null;
  if (!sameRange(attribute.childForFieldName('object') ?? attribute, node)) return null;
  if (attribute.childForFieldName('attribute')?.text !== 'append') return null;
  const args = call.childForFieldName('arguments');
  if (!args || !namedChildren(args).every((arg) => inert(arg, 'python'))) return null;
  return call.parent?.type === 'expression_statement' && call.parent.namedChildCount === 1
    ? call.parent
    : null;
}

/** `name[name.length] = a;` with `a` inert, from either occurrence of `name` in it. */
function lengthAppendStatement(node: Node): Node | null {
  const parent = node.parent;
  const subscript = parent?.type === 'member_expression' ? parent.parent : parent;
  if (subscript?.type !== 'subscript_expression') return null;
  const object = subscript.childForFieldName('object');
  const index = subscript.childForFieldName('index');
  if (object?.type !== 'identifier' || object.text !== node.text) return null;
  if (index?.text.replace(/\s+/g, '') !== `${node.text}.length`) return null;
  if (parent?.type === 'member_expression' && !sameRange(parent, index)) return null;
  const assignment = subscript.parent;
  const value = assignment?.childForFieldName('right');
  if (assignment?.type !== 'assignment_expression' || !value || !inert(value, 'javascript')) return null;
  if (!sameRange(assignment.childForFieldName('left') ?? assignment, subscript)) return null;
  return assignment.parent?.type === 'expression_statement' ? assignment.parent : null;
}

const inertTypes = new Set(['identifier', 'number', 'string', 'true', 'false', 'null', 'undefined']);
const pythonInertTypes = new Set(['identifier', 'integer', 'float', 'string', 'true', 'false', 'none']);

function inert(node: Node, family: RuleFamily): boolean {
  const types = family === 'python' ? pythonInertTypes : inertTypes;
  return types.has(node.type) && !namedChildren(node).some((c) => c.type === 'interpolation');
}

/** In a block that keeps a statement once every removal in it is done (Python has no empty blocks). */
function removable(snippet: FunctionSnippet, statement: Node, removedPerBlock: Map<number, number>): boolean {
  const parent = statement.parent;
  if (!parent) return false;
  if (snippet.family === 'javascript') return parent.type === 'statement_block';
  const removed = (removedPerBlock.get(parent.id) ?? 0) + 1;
  if (parent.type !== 'block' || parent.namedChildCount <= removed) return false;
  removedPerBlock.set(parent.id, removed);
  return true;
}

/** Deletes the statement: its whole line when it has the line to itself, else its text and the spaces after it. */
function removeStatement(snippet: FunctionSnippet, statement: Node): RuleEdit {
  const start = snippet.start(statement);
  const end = snippet.end(statement);
  const lineStart = snippet.source.lastIndexOf('\n', start - 1) + 1;
  const rest = /^[ \t]*(\r?\n|$)/.exec(snippet.source.slice(end));
  if (snippet.source.slice(lineStart, start).trim() === '' && rest) {
    return { start: lineStart, end: end + rest[0].length, text: '' };
  }
  const spaces = /^[ \t]*/.exec(snippet.source.slice(end))?.[0].length ?? 0;
  return { start, end: end + spaces, text: '' };
}

import type { Node } from 'web-tree-sitter';
import { ContextBuilder, IdentifierIndex } from '../../../detect/languages/context.js';
import type { LanguageSupport, ParsedSource } from '../../../detect/languages/language-support.js';
import {
  CommentIndex,
  firstSyntaxErrorLine,
  functionDeclarationTypes,
  functionValueTypes,
  pathsTo,
  structuralTokens,
} from '../../../detect/languages/syntax-tree.js';
import { createParser, type GrammarName } from '../../../detect/tree-sitter.js';
import type { Language } from '../../../detect/types.js';
import { FunctionFinder } from './ecmascript-function-finder.js';
import { exportedLocals, moduleLevelSource } from './ecmascript-module-level.js';
import { rangeStart } from './ecmascript-nodes.js';

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

const javascriptIdentifierTypes = ['identifier', 'shorthand_property_identifier'];
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

    const relevant = pathsTo(root, [...functionDeclarationTypes, 'method_definition', ...functionValueTypes]);
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

import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import {
  asMemberCall,
  descendants,
  isFunctionNode,
  namedChildren,
  sameNode,
  unwrapParens,
} from '../../../providers/rules/syntax.js';
import { expressionBodyToBlock, textWithEdits } from './arrow-body.js';
import { shadows, unusedName } from './scope.js';

const statementTypes = new Set([
  'expression_statement',
  'lexical_declaration',
  'variable_declaration',
  'return_statement',
]);

export const filterIndexDedupe: Rule = {
  id: 'filter-index-dedupe',
  family: 'javascript',
  title: '`xs.filter((x, i) => xs.indexOf(x) === i)` → a seen Set',
  description:
    'Keeping the first occurrence of each value with `filter((x, i) => xs.indexOf(x) === i)` searches from the ' +
    'start for every element: O(n²). A Set of values seen so far, created fresh just before the statement, ' +
    'answers in O(1): O(n). The callback becomes `(x) => x === x && !seen.has(x) && seen.add(x)`: `indexOf` ' +
    'compares with `===`, so NaN never equals its own index and is dropped (hence `x === x`), and -0 and +0 ' +
    'count as the same value for both. Holes are skipped by both. Applies to `(x, i) => xs.indexOf(x) === i` ' +
    '(either side, also `(x, i, self) => self.indexOf(x) === i`) in a plain statement of a block or an arrow ' +
    'expression body (so the Set is fresh on every evaluation).',
  before: 'const unique = tags.filter((tag, i) => tags.indexOf(tag) === i);',
  after:
    'const seen = new Set();\nconst unique = tags.filter((tag) => tag === tag && !seen.has(tag) && seen.add(tag));',
  complexity: { before: 'O(n²)', after: 'O(n)' },
  apply(snippet) {
    if (shadows(snippet.fn, 'Set')) return null;
    for (const node of descendants(snippet.fn, new Set(['call_expression']))) {
      const edits = planFilter(snippet, node);
      if (edits) return edits;
    }
    return null;
  },
};

function planFilter(snippet: FunctionSnippet, node: Node): RuleEdit[] | null {
  const call = asMemberCall(node);
  const callback = call?.args[0];
  if (call?.method !== 'filter' || call.args.length !== 1 || callback?.type !== 'arrow_function') return null;
  const parameters = callback.childForFieldName('parameters');
  const names = parameters ? namedChildren(parameters).map(parameterName) : [];
  const [value, index, self] = names;
  if (!value || !index || names.length > 3 || (names.length === 3 && !self)) return null;
  const body = callback.childForFieldName('body');
  if (!body || !isFirstIndexTest(unwrapParens(body), value, index, self, call.receiver)) return null;

  const seen = unusedName(snippet.source, 'seen');
  const replacement = {
    start: snippet.start(callback),
    end: snippet.end(callback),
    text: `(${value}) => ${value} === ${value} && !${seen}.has(${value}) && ${seen}.add(${value})`,
  };
  const declaration = `const ${seen} = new Set();`;
  // The Set must be fresh each time the filter runs: right before the statement, with nothing looping between.
  let statement: Node | null = node.parent;
  while (statement && !statementTypes.has(statement.type)) {
    if (isFunctionNode(statement)) {
      const isBody = sameNode(statement, snippet.fn) && statement.type === 'arrow_function';
      const body = statement.childForFieldName('body');
      if (!isBody || !body || body.type === 'statement_block') return null;
      return [
        expressionBodyToBlock(snippet, statement, [declaration], textWithEdits(snippet, body, [replacement])),
      ];
    }
    statement = statement.parent;
  }
  if (!statement || statement.parent?.type !== 'statement_block') return null;
  const at = snippet.start(statement);
  const separator = snippet.startsLine(statement) ? `${snippet.eol}${snippet.indentAt(at)}` : ' ';
  return [{ start: at, end: at, text: declaration + separator }, replacement];
}

function parameterName(parameter: Node): string | null {
  if (parameter.type === 'identifier') return parameter.text;
  if (parameter.type === 'required_parameter' && !parameter.childForFieldName('type')) {
    const pattern = parameter.childForFieldName('pattern');
    return pattern?.type === 'identifier' ? pattern.text : null;
  }
  return null;
}

/** `list.indexOf(value) === index` (either order), where list is the filtered receiver or the third parameter. */
function isFirstIndexTest(
  body: Node,
  value: string,
  index: string,
  self: string | null | undefined,
  receiver: Node,
) {
  if (body.type !== 'binary_expression' || body.childForFieldName('operator')?.text !== '===') return false;
  const left = body.childForFieldName('left');
  const right = body.childForFieldName('right');
  const search = left?.text === index ? right : right?.text === index ? left : null;
  const lookup = search ? asMemberCall(search) : null;
  if (lookup?.method !== 'indexOf' || lookup.args.length !== 1 || lookup.args[0]?.text !== value)
    return false;
  const list = lookup.receiver.text;
  return list === self || (receiver.type === 'identifier' && list === receiver.text);
}

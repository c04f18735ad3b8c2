import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../rule.js';
import type { FunctionSnippet } from '../snippet.js';
import {
  asMemberCall,
  contains,
  descendants,
  isField,
  isFunctionNode,
  isIteratingCallback,
  namedChildren,
  sameNode,
} from '../syntax.js';
import { expressionBodyToBlock, textWithEdits } from './arrow-body.js';
import { occurrencesOf } from './receiver-safety.js';
import { isRepeatedInFunction, topStatementOf, unusedName } from './scope.js';
import { mayBeString } from './string-evidence.js';

/** One `x.includes(y)` or `x.indexOf(y) !== -1` style test. */
interface MembershipTest {
  receiver: string;
  /** The whole test, for locating it. */
  node: Node;
  /** The part that changes, and what replaces it once the Set has a name. */
  replaced: Node;
  render(setName: string): string;
}

// `x.indexOf(y) <op> <literal>` (call on the left) and `<literal> <op> x.indexOf(y)` (call on the right), with
// whitespace removed: does the comparison mean "found"?
const foundWhenCallLeft = new Map([
  ['!==-1', true],
  ['!=-1', true],
  ['>-1', true],
  ['>=0', true],
  ['===-1', false],
  ['==-1', false],
  ['<0', false],
  ['<=-1', false],
]);
const foundWhenCallRight = new Map([
  ['-1!==', true],
  ['-1!=', true],
  ['-1<', true],
  ['0<=', true],
  ['-1===', false],
  ['-1==', false],
  ['0>', false],
  ['-1>=', false],
]);

/** A variable or property path: read again by the rewrite. */
const simpleOperand = /^[\p{ID_Start}$_][\p{ID_Continue}$]*(\.[\p{ID_Start}$_][\p{ID_Continue}$]*)*$/u;

const constantTypes = new Set(['string', 'template_string', 'number', 'true', 'false', 'null', 'regex']);

export const setMembership: Rule = {
  id: 'set-membership',
  family: 'javascript',
  title: 'Loop-invariant membership test → Set',
  description:
    'A membership test `x.includes(y)` (or `x.indexOf(y) !== -1` and its variants) on an array that does not ' +
    'change, evaluated inside a loop or an array-method callback, scans the whole array on every iteration: ' +
    'O(n·m). Building `new Set(x)` once before the loop makes each test O(1): O(n + m). Applies only when `x` ' +
    'is a variable declared outside the loop (a parameter, an earlier top-level statement, or the enclosing ' +
    'module), never reassigned, mutated or passed elsewhere in the function, and not possibly a string (a ' +
    'substring test, which a Set of characters would get wrong): no string initializer or string-only method, ' +
    'and no string-like name (`path`, `text`, `line`, …) unless it is evidently an array. ' +
    'The Set is built only when `x` is an array at run time; otherwise each test is the original call. ' +
    '`includes` and `Set#has` both use SameValueZero. `indexOf` compares with `===`, so it never finds NaN ' +
    'and skips holes of sparse arrays (a Set holds them as undefined): its argument must be a variable or ' +
    'property path, and NaN or undefined are looked up in the array as before. Assumes no other name ' +
    'aliases the array while the loop runs.',
  before: 'for (const t of tags) if (featured.includes(t)) out.push(t);',
  after:
    'const featuredSet = Array.isArray(featured) ? new Set(featured) : null;\nfor (const t of tags) if ((featuredSet ? featuredSet.has(t) : featured.includes(t))) out.push(t);',
  complexity: { before: 'O(n·m)', after: 'O(n + m)' },
  apply(snippet) {
    const { fn } = snippet;
    if (occurrencesOf(fn, 'Set').some((occurrence) => occurrence.use === 'declaration')) return null;
    const tests = findMembershipTests(fn);
    const receivers = [...new Set(tests.map((test) => test.receiver))];
    for (const receiver of receivers) {
      const edits = planReceiver(
        snippet,
        receiver,
        tests.filter((test) => test.receiver === receiver),
      );
      if (edits) return edits;
    }
    return null;
  },
};

function findMembershipTests(fn: Node): MembershipTest[] {
  const tests: MembershipTest[] = [];
  for (const node of descendants(fn, new Set(['call_expression']))) {
    const call = asMemberCall(node);
    if (call?.receiver.type !== 'identifier' || call.args.length !== 1) continue;
    // A constant argument gives the same answer on every iteration; it is mostly a substring test on a string.
    if (!call.args[0] || call.args[0].type === 'spread_element' || constantTypes.has(call.args[0].type))
      continue;
    const receiver = call.receiver.text;
    const argument = call.args[0].text;
    if (call.method === 'includes') {
      // Not an array (a string: substring test; anything else: its own includes): the original call.
      tests.push({
        receiver,
        node,
        replaced: node,
        render: (setName) => `(${setName} ? ${setName}.has(${argument}) : ${node.text})`,
      });
    } else if (call.method === 'indexOf' && simpleOperand.test(argument)) {
      const comparison = node.parent;
      const found = comparison ? indexOfMeaning(comparison, node) : undefined;
      if (comparison && found !== undefined) {
        const negation = found ? '' : '!';
        // `indexOf` never finds NaN and skips holes (which a Set holds as undefined): those ask the array.
        tests.push({
          receiver,
          node: comparison,
          replaced: comparison,
          render: (setName) =>
            `(${setName} && ${argument} === ${argument} && ${argument} !== undefined ? ` +
            `${negation}${setName}.has(${argument}) : ${comparison.text})`,
        });
      }
    }
  }
  return tests;
}

/** true: the comparison means "found"; false: "not found"; undefined: not a membership comparison. */
function indexOfMeaning(comparison: Node, call: Node): boolean | undefined {
  if (comparison.type !== 'binary_expression') return undefined;
  const operator = comparison.childForFieldName('operator')?.text ?? '';
  const left = comparison.childForFieldName('left');
  const right = comparison.childForFieldName('right');
  if (!left || !right) return undefined;
  const compact = (node: Node): string => node.text.replace(/\s+/g, '');
  if (sameNode(left, call)) return foundWhenCallLeft.get(operator + compact(right));
  if (sameNode(right, call)) return foundWhenCallRight.get(compact(left) + operator);
  return undefined;
}

function planReceiver(
  snippet: FunctionSnippet,
  receiver: string,
  tests: MembershipTest[],
): RuleEdit[] | null {
  const { fn, source } = snippet;
  const occurrences = occurrencesOf(fn, receiver);
  if (occurrences.some((occurrence) => occurrence.use === 'unsafe')) return null;
  const declarations = occurrences.filter((occurrence) => occurrence.use === 'declaration');
  if (declarations.length > 1 || mayBeString(receiver, occurrences)) return null;
  const declaration = declarations[0]?.node;
  const parameters = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  const isParameter = declaration !== undefined && parameters !== null && contains(parameters, declaration);
  // `arguments[i]` aliases parameters in sloppy-mode functions.
  if (isParameter && occurrencesOf(fn, 'arguments').length > 0) return null;

  // A test nested inside another one's replaced text (`x.indexOf(x.indexOf(y) === -1) === -1`) stays as is.
  const repeated = tests.filter(
    (test) =>
      isRepeatedInFunction(test.node, fn) &&
      !tests.some((other) => other !== test && contains(other.replaced, test.node)),
  );
  const first = repeated[0];
  const last = repeated[repeated.length - 1];
  const body = fn.childForFieldName('body');
  if (!first || !last || !body) return null;

  const insertBefore = body.type === 'statement_block' ? topStatementOf(body, first.node) : body;
  if (!insertBefore) return null;
  if (declaration && !isParameter) {
    const declaredIn = body.type === 'statement_block' ? topStatementOf(body, declaration) : null;
    if (!declaredIn || declaredIn.endIndex > insertBefore.startIndex) return null;
  }
  // During an await or yield other code runs and may change the array; in a loop, one after the last test
  // still comes before that test's next evaluation.
  const lastStatement = body.type === 'statement_block' ? topStatementOf(body, last.node) : body;
  const span = source.slice(snippet.start(insertBefore), snippet.end(lastStatement ?? body));
  if (/\b(await|yield)\b/.test(span)) return null;

  const setName = unusedName(source, /^[A-Z0-9_$]+$/.test(receiver) ? `${receiver}_SET` : `${receiver}Set`);
  const declarationText = `const ${setName} = Array.isArray(${receiver}) ? new Set(${receiver}) : null;`;
  const replacements = repeated.map((test) => ({
    start: snippet.start(test.replaced),
    end: snippet.end(test.replaced),
    text: test.render(setName),
  }));

  if (body.type === 'statement_block') {
    const at = snippet.start(insertBefore);
    const separator = snippet.startsLine(insertBefore) ? `${snippet.eol}${snippet.indentAt(at)}` : ' ';
    return [{ start: at, end: at, text: declarationText + separator }, ...replacements];
  }
  return [expressionBodyToBlock(snippet, fn, [declarationText], textWithEdits(snippet, body, replacements))];
}

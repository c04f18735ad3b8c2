import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import {
  asMemberCall,
  clipped,
  contains,
  descendants,
  isField,
  isFunctionNode,
  isIteratingCallback,
  namedChildren,
  sameNode,
} from '../../../providers/rules/syntax.js';
import { expressionBodyToBlock, textWithEdits } from './arrow-body.js';
import { occurrencesOf } from './receiver-safety.js';
import { isRepeatedInFunction, topStatementOf, unusedName } from './scope.js';
import { mayBeString } from './string-evidence.js';

/** One `x.includes(y)` or `x.indexOf(y) !== -1` style test. */
interface MembershipTest {
  receiver: string;
  method: 'includes' | 'indexOf';
  /** The whole test: it is what changes. */
  node: Node;
  /** `!` when the test means "not found". */
  negation: string;
  argument: string;
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

const constantTypes = new Set(['string', 'template_string', 'number', 'true', 'false', 'null', 'regex']);

/** Calls that always return a fresh array (Object.keys: of strings, so never NaN and never a hole). */
const arrayFactories = new Map<string, ArrayProof>([
  ['Array', 'array'],
  ['Array.from', 'array'],
  ['Array.of', 'array'],
  ['Object.values', 'array'],
  ['Object.entries', 'array'],
  ['Object.keys', 'strings'],
]);

/** How sure we are that the receiver is a plain array when the tests run. */
type ArrayProof = 'array' | 'strings' | null;

export const setMembership: Rule = {
  id: 'set-membership',
  family: 'javascript',
  title: 'Loop-invariant membership test → Set',
  description:
    'A membership test `x.includes(y)` (or `x.indexOf(y) !== -1` and its variants) on an array that does not ' +
    'change, evaluated inside a loop or an array-method callback, scans the whole array on every iteration: ' +
    'O(n·m). Building `new Set(x)` once before the loop makes each test O(1): O(n + m). Applies only when `x` ' +
    'is a variable declared outside the loop (a parameter, an earlier top-level statement, or the enclosing ' +
    'module), never reassigned, mutated or passed elsewhere in the function, and with no sign of being a ' +
    'string (a string initializer, a string-only method or a string-like name such as `path` or `text`). ' +
    'When `x` is created in the function as an array (a literal, `Array.from`, `Object.keys`, …), the tests ' +
    'read the Set; otherwise the Set is built only if `Array.isArray(x)`, and anything else (a string, whose ' +
    '`includes` is a substring test) keeps the original call. `includes` and `Set#has` both use ' +
    'SameValueZero; `indexOf` uses `===`, which never finds NaN and skips holes, so its Set leaves out NaN ' +
    'and holes (`filter` skips them) unless `x` holds only strings.',
  before: 'for (const t of tags) if (featured.includes(t)) out.push(t);',
  after:
    'const featuredSet = Array.isArray(featured) ? new Set(featured) : null;\n' +
    'for (const t of tags) if (featuredSet ? featuredSet.has(t) : featured.includes(t)) out.push(t);',
  complexity: { before: 'O(n·m)', after: 'O(n + m)' },
  apply(snippet) {
    const { fn } = snippet;
    for (const global of ['Set', 'Array', 'Number', 'Object']) {
      if (occurrencesOf(fn, global).some((occurrence) => occurrence.use === 'declaration')) return null;
    }
    for (const plan of plans(snippet)) if (Array.isArray(plan)) return plan;
    return null;
  },
  nearMiss(snippet) {
    for (const plan of plans(snippet)) if (plan && 'miss' in plan) return plan.miss;
    return null;
  },
};

function plans(snippet: FunctionSnippet): (RuleEdit[] | { miss: string } | null)[] {
  const tests = findMembershipTests(snippet.fn);
  const receivers = [...new Set(tests.map((test) => test.receiver))];
  return receivers.map((receiver) =>
    planReceiver(
      snippet,
      receiver,
      tests.filter((test) => test.receiver === receiver),
    ),
  );
}

function findMembershipTests(fn: Node): MembershipTest[] {
  const tests: MembershipTest[] = [];
  for (const node of descendants(fn, new Set(['call_expression']))) {
    const call = asMemberCall(node);
    if (call?.receiver.type !== 'identifier' || call.args.length !== 1) continue;
    const [argument] = call.args;
    // A constant argument gives the same answer on every iteration; it is mostly a substring test on a string.
    if (!argument || argument.type === 'spread_element' || constantTypes.has(argument.type)) continue;
    const receiver = call.receiver.text;
    if (call.method === 'includes') {
      tests.push({ receiver, method: 'includes', node, negation: '', argument: argument.text });
    } else if (call.method === 'indexOf') {
      const comparison = node.parent;
      const found = comparison ? indexOfMeaning(comparison, node) : undefined;
      if (comparison && found !== undefined) {
        const negation = found ? '' : '!';
        tests.push({ receiver, method: 'indexOf', node: comparison, negation, argument: argument.text });
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

/** The edits; why a membership test in a loop cannot use a Set (a near miss); or null when there is none. */
function planReceiver(
  snippet: FunctionSnippet,
  receiver: string,
  tests: MembershipTest[],
): RuleEdit[] | { miss: string } | null {
  const { fn, source } = snippet;
  if (!tests.some((test) => isRepeatedInFunction(test.node, fn))) return null;
  const occurrences = occurrencesOf(fn, receiver);
  const unsafe = occurrences.find((occurrence) => occurrence.use === 'unsafe');
  if (unsafe) {
    let use = unsafe.node.parent;
    while (use && (use.type === 'arguments' || use.type === 'parenthesized_expression')) use = use.parent;
    return {
      miss: `\`${receiver}\` is passed on, stored, returned or changed (\`${clipped(use?.text ?? receiver)}\`), so its identity or contents may matter and a Set built once could go stale`,
    };
  }
  const declarations = occurrences.filter((occurrence) => occurrence.use === 'declaration');
  if (declarations.length > 1) return { miss: `\`${receiver}\` is declared more than once` };
  if (mayBeString(receiver, occurrences)) {
    return { miss: `\`${receiver}\` may be a string, whose \`includes\` is a substring test` };
  }
  const declaration = declarations[0]?.node;
  const parameters = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  const isParameter = declaration !== undefined && parameters !== null && contains(parameters, declaration);
  // `arguments[i]` aliases parameters in sloppy-mode functions.
  if (isParameter && occurrencesOf(fn, 'arguments').length > 0) return null;

  // One Set per receiver, for one method: `includes` and `indexOf` disagree on NaN and holes. A test nested
  // inside another one's text (`x.indexOf(x.indexOf(y) === -1) === -1`) stays as is.
  const method = tests.find((test) => isRepeatedInFunction(test.node, fn))?.method;
  const repeated = tests.filter(
    (test) =>
      test.method === method &&
      isRepeatedInFunction(test.node, fn) &&
      !tests.some((other) => other !== test && contains(other.node, test.node)),
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
  if (/\b(await|yield)\b/.test(span)) {
    return {
      miss: `an \`await\` or \`yield\` between the loop's tests lets other code change \`${receiver}\``,
    };
  }

  const proof = declaration && !isParameter ? arrayProof(declaration) : null;
  const setName = unusedName(source, /^[A-Z0-9_$]+$/.test(receiver) ? `${receiver}_SET` : `${receiver}Set`);
  const elements =
    method === 'indexOf' && proof !== 'strings' ? `${receiver}.filter((v) => !Number.isNaN(v))` : receiver;
  const declarationText = proof
    ? `const ${setName} = new Set(${elements});`
    : `const ${setName} = Array.isArray(${receiver}) ? new Set(${elements}) : null;`;
  const replacements = repeated.map((test) => {
    const has = `${test.negation}${setName}.has(${test.argument})`;
    const text = proof ? has : parenthesized(test.node, `${setName} ? ${has} : ${test.node.text}`);
    return { start: snippet.start(test.node), end: snippet.end(test.node), text };
  });

  if (body.type === 'statement_block') {
    const at = snippet.start(insertBefore);
    const separator = snippet.startsLine(insertBefore) ? `${snippet.eol}${snippet.indentAt(at)}` : ' ';
    return [{ start: at, end: at, text: declarationText + separator }, ...replacements];
  }
  return [expressionBodyToBlock(snippet, fn, [declarationText], textWithEdits(snippet, body, replacements))];
}

/** A conditional in place of `node`, in parentheses unless the place already has them (`if (…)`, `f(…)`). */
function parenthesized(node: Node, conditional: string): string {
  const holder = node.parent?.type;
  const delimited =
    holder === 'parenthesized_expression' || (holder === 'arguments' && node.parent?.namedChildCount === 1);
  return delimited ? conditional : `(${conditional})`;
}

/**
 * A `const`/`let` whose initializer always makes a fresh array: a literal, `Array.from`, `Object.keys`, ….
 * `.map` or `.filter` are not enough: iterator helpers and user classes have them too.
 */
function arrayProof(declared: Node): ArrayProof {
  const declarator = declared.parent;
  if (declarator?.type !== 'variable_declarator' || !isField(declarator, 'name', declared)) return null;
  const initial = declarator.childForFieldName('value');
  if (!initial) return null;
  if (initial.type === 'array') return holdsOnlyStrings(initial) ? 'strings' : 'array';
  if (initial.type !== 'call_expression' && initial.type !== 'new_expression') return null;
  const callee = initial.childForFieldName(initial.type === 'new_expression' ? 'constructor' : 'function');
  return (callee && arrayFactories.get(callee.text)) ?? null;
}

/** `['a', 'b']`: string literals only, no holes (`['a', , 'b']`). */
function holdsOnlyStrings(array: Node): boolean {
  let previous = '[';
  for (const child of array.children) {
    if (!child) continue;
    if (child.type === ',' && (previous === '[' || previous === ',')) return false;
    if (child.isNamed && child.type !== 'comment' && child.type !== 'string') return false;
    previous = child.type;
  }
  return true;
}

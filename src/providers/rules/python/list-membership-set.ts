import type { Node } from 'web-tree-sitter';
import { hasStringLikeName } from '../javascript/string-evidence.js';
import type { Rule, RuleEdit } from '../rule.js';
import type { FunctionSnippet } from '../snippet.js';
import { descendants, namedChildren } from '../syntax.js';
import {
  functionBody,
  insertLineBefore,
  isRepeatedIn,
  membershipOperator,
  pythonOccurrences,
  singleAssignment,
  topStatementOf,
  unusedName,
} from './syntax.js';

const sequenceAnnotation = /^(typing\.)?(list|List|tuple|Tuple|Sequence|MutableSequence)\b/;
const listBuilders = new Set(['list', 'sorted', 'tuple']);

export const listMembershipSet: Rule = {
  id: 'list-membership-set',
  family: 'python',
  title: 'Loop-invariant `x in some_list` → a set built once',
  description:
    '`x in items` on a list or tuple inside a loop or comprehension scans it on every iteration: O(n·m). ' +
    'Building `items_set = set(items)` once before the loop makes each test O(1): O(n + m). Applies only when ' +
    '`items` is a parameter (annotated as a list/tuple/Sequence, or unannotated without a string-like name ' +
    'such as `text` or `path`, since `in` on a string is a substring test) or a local assigned once, before ' +
    'the loop, from a list/tuple literal, comprehension, `list()`, `tuple()` or `sorted()`; and when the ' +
    'function never changes it, passes it on or reassigns it, with no `yield`/`await` in between. Elements ' +
    'must be hashable (an unhashable element raises `TypeError`, which the harness rejects); equal values ' +
    'that hash alike (1, 1.0, True) match either way.',
  before: 'def shared(tags, featured):\n    return [t for t in tags if t in featured]',
  after:
    'def shared(tags, featured):\n    featured_set = set(featured)\n    return [t for t in tags if t in featured_set]',
  complexity: { before: 'O(n·m)', after: 'O(n + m)' },
  apply(snippet) {
    if (pythonOccurrences(snippet.fn, 'set').some(({ use }) => use === 'declaration' || use === 'parameter'))
      return null;
    const tests = descendants(snippet.fn, new Set(['comparison_operator'])).filter(
      (test) =>
        membershipOperator(test) !== null &&
        namedChildren(test)[1]?.type === 'identifier' &&
        isRepeatedIn(test, snippet.fn),
    );
    const receivers = [...new Set(tests.map((test) => namedChildren(test)[1]?.text ?? ''))];
    for (const receiver of receivers) {
      const edits = planReceiver(
        snippet,
        receiver,
        tests.filter((test) => namedChildren(test)[1]?.text === receiver),
      );
      if (edits) return edits;
    }
    return null;
  },
};

function planReceiver(snippet: FunctionSnippet, receiver: string, tests: Node[]): RuleEdit[] | null {
  const { fn, source } = snippet;
  const body = functionBody(fn);
  const first = tests[0];
  const last = tests[tests.length - 1];
  if (!body || !first || !last) return null;
  const occurrences = pythonOccurrences(fn, receiver);
  if (occurrences.some(({ use }) => use === 'unsafe')) return null;
  const declarations = occurrences.filter(({ use }) => use === 'declaration' || use === 'parameter');
  const declared = declarations[0];
  if (declarations.length !== 1 || !declared) return null;

  const firstStatement = topStatementOf(body, first);
  const lastStatement = topStatementOf(body, last);
  if (!firstStatement || !lastStatement) return null;
  if (declared.use === 'parameter') {
    if (!isSequenceParameter(declared.node, receiver)) return null;
  } else {
    const assignment = singleAssignment(occurrences);
    if (!assignment || !isSequenceValue(assignment.value)) return null;
    if (
      assignment.statement.parent?.id !== body.id ||
      assignment.statement.endIndex > firstStatement.startIndex
    )
      return null;
  }
  // While a generator is suspended, the caller may change the list.
  const span = source.slice(snippet.start(firstStatement), snippet.end(lastStatement));
  if (/\b(yield|await)\b/.test(span)) return null;

  const setName = unusedName(source, /^[A-Z0-9_]+$/.test(receiver) ? `${receiver}_SET` : `${receiver}_set`);
  const declaration = insertLineBefore(snippet, firstStatement, `${setName} = set(${receiver})`);
  if (!declaration) return null;
  const replacements = tests.map((test) => {
    const operand = namedChildren(test)[1] as Node;
    return { start: snippet.start(operand), end: snippet.end(operand), text: setName };
  });
  return [declaration, ...replacements];
}

function isSequenceParameter(name: Node, receiver: string): boolean {
  const holder = name.parent;
  const annotation =
    holder?.type === 'typed_parameter' || holder?.type === 'typed_default_parameter'
      ? holder.childForFieldName('type')?.text
      : undefined;
  if (annotation !== undefined) return sequenceAnnotation.test(annotation);
  return holder?.type !== 'list_splat_pattern' && holder?.type !== 'dictionary_splat_pattern'
    ? !hasStringLikeName(receiver)
    : holder.type === 'list_splat_pattern';
}

function isSequenceValue(value: Node): boolean {
  if (value.type === 'list' || value.type === 'list_comprehension' || value.type === 'tuple') return true;
  const callee = value.type === 'call' ? value.childForFieldName('function') : null;
  return callee?.type === 'identifier' && listBuilders.has(callee.text);
}

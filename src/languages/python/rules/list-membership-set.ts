import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import { clipped, descendants, namedChildren } from '../../../providers/rules/syntax.js';
import { isHashable, yieldsHashables } from './hashable.js';
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

const listBuilders = new Set(['list', 'sorted', 'tuple']);

export const listMembershipSet: Rule = {
  id: 'list-membership-set',
  family: 'python',
  title: 'Loop-invariant `x in some_list` → a set built once',
  description:
    '`x in items` on a list or tuple inside a loop or comprehension scans it on every iteration: O(n·m). ' +
    'Building `items_set = set(items)` once before the loop makes each test O(1): O(n + m). A set raises ' +
    '`TypeError` on an unhashable value where the list compares it, so this applies only when both sides are ' +
    'hashable on every input: `items` is a local assigned once, before the loop, from a list/tuple literal, ' +
    'comprehension, `list()`, `tuple()` or `sorted()` of literals, `str(…)`, `int(…)`, `len(…)`, str methods ' +
    'or `range`, and the tested value is of the same kinds (or a name bound only to them). A parameter never ' +
    'qualifies: it may be a string (`in` is a substring test), an iterator or hold unhashable values. The ' +
    'function must never change `items`, pass it on or reassign it, with no `yield`/`await` in between; ' +
    'equal values that hash alike (1, 1.0, True) match either way.',
  before:
    'def shared(tags, featured):\n    names = [str(f) for f in featured]\n    return [t for t in tags if str(t) in names]',
  after:
    'def shared(tags, featured):\n    names = [str(f) for f in featured]\n    names_set = set(names)\n    return [t for t in tags if str(t) in names_set]',
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
    for (const plan of plans(snippet)) if (Array.isArray(plan)) return plan;
    return null;
  },
  nearMiss(snippet) {
    for (const plan of plans(snippet)) if (plan && 'miss' in plan) return plan.miss;
    return null;
  },
};

type Plan = RuleEdit[] | { miss: string } | null;

function plans(snippet: FunctionSnippet): Plan[] {
  if (pythonOccurrences(snippet.fn, 'set').some(({ use }) => use === 'declaration' || use === 'parameter'))
    return [];
  const tests = descendants(snippet.fn, new Set(['comparison_operator'])).filter(
    (test) =>
      membershipOperator(test) !== null &&
      namedChildren(test)[1]?.type === 'identifier' &&
      isRepeatedIn(test, snippet.fn),
  );
  const receivers = [...new Set(tests.map((test) => namedChildren(test)[1]?.text ?? ''))];
  return receivers.map((receiver) =>
    planReceiver(
      snippet,
      receiver,
      tests.filter((test) => namedChildren(test)[1]?.text === receiver),
    ),
  );
}

/** The edits; why a membership test in a loop cannot use a set (a near miss); or null. */
function planReceiver(snippet: FunctionSnippet, receiver: string, tests: Node[]): Plan {
  const { fn, source } = snippet;
  const body = functionBody(fn);
  const first = tests[0];
  const last = tests[tests.length - 1];
  if (!body || !first || !last) return null;
  const occurrences = pythonOccurrences(fn, receiver);
  // Already a set or a dict (`visited = {source}` in a BFS): its membership test is O(1), nothing to say.
  const bound = singleAssignment(occurrences);
  if (bound && isHashedContainer(bound.value)) return null;
  const unsafe = occurrences.find(({ use }) => use === 'unsafe');
  if (unsafe) {
    return {
      miss: `\`${receiver}\` is changed, passed on or returned (\`${clipped(unsafe.node.parent?.text ?? receiver)}\`), so a set built once could go stale`,
    };
  }
  const declarations = occurrences.filter(({ use }) => use === 'declaration' || use === 'parameter');
  const declared = declarations[0];
  if (declarations.length !== 1 || !declared) {
    return {
      miss: `\`${receiver}\` is bound more than once (a parameter reassigned, or two assignments), so a set built once may not be the list a test sees`,
    };
  }

  const firstStatement = topStatementOf(body, first);
  const lastStatement = topStatementOf(body, last);
  if (!firstStatement || !lastStatement) return null;
  if (declared.use === 'parameter') {
    return {
      miss: `\`${receiver}\` is a parameter: it may be a string (\`in\` is a substring test), an iterator, or hold unhashable values`,
    };
  }
  const assignment = singleAssignment(occurrences);
  if (!assignment) return null;
  if (!isSequenceValue(assignment.value) || !yieldsHashables(assignment.value, fn)) {
    return {
      miss: `\`${receiver}\` is built by \`${clipped(assignment.value.text)}\`, whose elements may be unhashable (\`set()\` would raise \`TypeError\` where the list compares)`,
    };
  }
  if (
    assignment.statement.parent?.id !== body.id ||
    assignment.statement.endIndex > firstStatement.startIndex
  )
    return null;
  if (!tests.every((test) => namedChildren(test)[0] && isHashable(namedChildren(test)[0] as Node, fn)))
    return null;
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

const hashedBuilders = new Set(['set', 'frozenset', 'dict', 'defaultdict', 'Counter', 'OrderedDict']);

function isHashedContainer(value: Node): boolean {
  if (['set', 'set_comprehension', 'dictionary', 'dictionary_comprehension'].includes(value.type))
    return true;
  const callee = value.type === 'call' ? value.childForFieldName('function') : null;
  return callee?.type === 'identifier' && hashedBuilders.has(callee.text);
}

function isSequenceValue(value: Node): boolean {
  if (value.type === 'list' || value.type === 'list_comprehension' || value.type === 'tuple') return true;
  const callee = value.type === 'call' ? value.childForFieldName('function') : null;
  return callee?.type === 'identifier' && listBuilders.has(callee.text);
}

import type { Node } from 'web-tree-sitter';
import type { Rule, RuleEdit } from '../../../providers/rules/rule.js';
import type { FunctionSnippet } from '../../../providers/rules/snippet.js';
import {
  asMemberCall,
  clipped,
  contains,
  descendants,
  namedChildren,
  sameNode,
  unwrapParens,
} from '../../../providers/rules/syntax.js';
import { occurrencesOf } from './receiver-safety.js';
import { localDeclaration, unusedName } from './scope.js';

export const shiftQueue: Rule = {
  id: 'shift-queue',
  family: 'javascript',
  title: '`shift()` as a queue → a read index',
  description:
    '`while (queue.length) { const x = queue.shift(); … }` moves every remaining element on each `shift()` ' +
    '(V8 does so beyond small arrays): O(n²) for n items through the queue. Reading with a head index ' +
    '(`queue[head++]`) while `push` keeps appending is O(n). Applies only to a new array (a literal, ' +
    '`Array.from(…)` or `Array.of(…)`) declared in the same block as the loop, used nowhere but in that loop: ' +
    'its condition tests `queue.length` (truthy, ' +
    '`> 0`, `!== 0`, `>= 1`), its first statement takes `queue.shift()`, and the rest only `push`es. The ' +
    'consumed items stay referenced until the function returns (memory, not results).',
  before:
    'const queue = [root];\nwhile (queue.length > 0) {\n  const node = queue.shift();\n  queue.push(...node.children);\n}',
  after:
    'const queue = [root];\nlet queueHead = 0;\nwhile (queueHead < queue.length) {\n  const node = queue[queueHead++];\n  queue.push(...node.children);\n}',
  complexity: { before: 'O(n²)', after: 'O(n)' },
  apply(snippet) {
    for (const loop of descendants(snippet.fn, new Set(['while_statement']))) {
      const plan = planLoop(snippet, loop);
      if (Array.isArray(plan)) return plan;
    }
    return null;
  },
  nearMiss(snippet) {
    for (const loop of descendants(snippet.fn, new Set(['while_statement']))) {
      const plan = planLoop(snippet, loop);
      if (plan && 'miss' in plan) return plan.miss;
    }
    return null;
  },
};

const nonEmptyTests = new Set(['>0', '!==0', '!=0', '>=1']);

/**
 * An expression that makes a new array no one else holds: a literal, `Array.from(…)` or `Array.of(…)`. Not
 * `x.slice()`: on a string or a typed array the original's `shift` throws where a read index would not.
 */
function freshArray(value: Node | null | undefined): boolean {
  if (!value) return false;
  if (value.type === 'array') return true;
  const call = asMemberCall(value);
  return (
    call?.receiver.type === 'identifier' &&
    call.receiver.text === 'Array' &&
    (call.method === 'from' || call.method === 'of')
  );
}

/** The loop's edits; why a queue loop cannot be rewritten (a near miss); or null when it is no queue loop. */
function planLoop(snippet: FunctionSnippet, loop: Node): RuleEdit[] | { miss: string } | null {
  const condition = loop.childForFieldName('condition');
  const body = loop.childForFieldName('body');
  if (!condition || body?.type !== 'statement_block' || loop.parent?.type !== 'statement_block') return null;
  const tested = lengthTest(unwrapParens(condition));
  if (!tested) return null;
  const queue = tested.receiver;

  const first = namedChildren(body)[0];
  const shift = first ? shiftCallIn(first, queue) : null;
  if (!shift) return null;

  const occurrences = occurrencesOf(snippet.fn, queue);
  const declarator = localDeclaration(snippet.fn, occurrences);
  const statement = declarator?.parent;
  const value = declarator?.childForFieldName('value');
  if (!statement || !value) {
    return {
      miss: `\`${queue}\` is not declared in the function, so callers may hold the array the loop empties`,
    };
  }
  if (!freshArray(value)) {
    return {
      miss: `\`${queue}\` starts as \`${clipped(value.text)}\`, not a new array (a literal or \`Array.from(…)\`), so it may be shared or not an array`,
    };
  }
  if (!sameNode(statement.parent, loop.parent) || statement.endIndex > loop.startIndex) {
    return {
      miss: `\`${queue}\` is declared in another block than the loop, so the loop may run more than once on it`,
    };
  }
  for (const { node, use } of occurrences) {
    if (use === 'declaration' || sameNode(node, tested.node) || contains(shift, node)) continue;
    const call = node.parent?.parent ? asMemberCall(node.parent.parent) : null;
    const isPush = call?.method === 'push' && sameNode(call.receiver, node);
    if (!isPush || !contains(body, node)) {
      const where = contains(body, node) ? 'inside the loop' : 'outside the loop';
      return {
        miss: `\`${queue}\` is used ${where} other than by \`push\` (\`${clipped(node.parent?.text ?? queue)}\`), which would see the consumed items a read index leaves in place`,
      };
    }
  }

  const head = unusedName(snippet.source, `${queue}Head`);
  const at = snippet.start(loop);
  return [
    { start: at, end: at, text: `let ${head} = 0;${snippet.eol}${snippet.indentAt(at)}` },
    { start: snippet.start(tested.whole), end: snippet.end(tested.whole), text: `${head} < ${queue}.length` },
    { start: snippet.start(shift), end: snippet.end(shift), text: `${queue}[${head}++]` },
  ];
}

/** `q.length`, `q.length > 0`, … → the receiver name and its identifier node. */
function lengthTest(condition: Node): { receiver: string; node: Node; whole: Node } | null {
  let access = condition;
  if (condition.type === 'binary_expression') {
    const left = condition.childForFieldName('left');
    const operator = condition.childForFieldName('operator')?.text ?? '';
    const right = condition.childForFieldName('right')?.text.replace(/\s+/g, '') ?? '';
    if (!left || !nonEmptyTests.has(operator + right)) return null;
    access = left;
  }
  if (access.type !== 'member_expression' || access.childForFieldName('property')?.text !== 'length')
    return null;
  if (access.childForFieldName('optional_chain')) return null;
  const object = access.childForFieldName('object');
  if (object?.type !== 'identifier') return null;
  return { receiver: object.text, node: object, whole: condition };
}

/** The `q.shift()` call of `const x = q.shift();` / `x = q.shift();` / `q.shift();`. */
function shiftCallIn(statement: Node, queue: string): Node | null {
  let value: Node | null | undefined;
  if (statement.type === 'lexical_declaration' || statement.type === 'variable_declaration') {
    const declarators = namedChildren(statement);
    if (declarators.length !== 1) return null;
    value = declarators[0]?.childForFieldName('value');
  } else if (statement.type === 'expression_statement') {
    const expression = namedChildren(statement)[0];
    value = expression?.type === 'assignment_expression' ? expression.childForFieldName('right') : expression;
  }
  // TypeScript: `q.shift() as T`, `q.shift()!`.
  if (value?.type === 'as_expression' || value?.type === 'non_null_expression')
    value = value.namedChildren[0];
  const call = value ? asMemberCall(value) : null;
  if (call?.method !== 'shift' || call.args.length > 0 || call.receiver.text !== queue) return null;
  return call.call;
}

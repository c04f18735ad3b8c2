import type { Node } from 'web-tree-sitter';
import type { Rule } from '../../../providers/rules/rule.js';
import { asMemberCall, descendants } from '../../../providers/rules/syntax.js';
import { shadows } from './scope.js';

const simpleOperand = /^[\p{ID_Start}$_][\p{ID_Continue}$]*(\.[\p{ID_Start}$_][\p{ID_Continue}$]*)*$/u;

export const objectKeysIncludes: Rule = {
  id: 'object-keys-includes',
  family: 'javascript',
  title: '`Object.keys(o).includes(k)` → own-enumerable-property check',
  description:
    '`Object.keys(o).includes(k)` builds an array of every key and scans it: O(n) time and garbage per test, ' +
    'O(n·m) in a loop. `Object.prototype.propertyIsEnumerable.call(o, k)` asks the object directly in O(1) and ' +
    'answers the same question (own, enumerable, string key) for string keys; for any other key (numbers, ' +
    'symbols, objects) the rewrite falls back to the original expression, since `Object.keys` never holds ' +
    'them. Applies when `o` and `k` are plain variables or property paths (read twice, so no calls), and ' +
    '`Object` is the global.',
  before: 'if (Object.keys(config).includes(name)) return config[name];',
  after:
    "if ((typeof name === 'string' ? Object.prototype.propertyIsEnumerable.call(config, name) : Object.keys(config).includes(name))) return config[name];",
  complexity: { before: 'O(n)', after: 'O(1)' },
  apply(snippet) {
    if (shadows(snippet.fn, 'Object')) return null;
    for (const node of descendants(snippet.fn, new Set(['call_expression']))) {
      const site = keysIncludes(node);
      if (!site) continue;
      const { object, key } = site;
      const text =
        `(typeof ${key} === 'string' ? Object.prototype.propertyIsEnumerable.call(${object}, ${key}) : ` +
        `${node.text})`;
      return [{ start: snippet.start(node), end: snippet.end(node), text }];
    }
    return null;
  },
};

/** `Object.keys(object).includes(key)` with simple operands, not already guarded by our rewrite. */
function keysIncludes(node: Node): { object: string; key: string } | null {
  const call = asMemberCall(node);
  if (call?.method !== 'includes' || call.args.length !== 1 || call.receiver.type !== 'call_expression')
    return null;
  const keys = call.receiver;
  if (keys.childForFieldName('function')?.text !== 'Object.keys') return null;
  const keysArgs = keys.childForFieldName('arguments')?.namedChildren ?? [];
  const object = keysArgs.length === 1 ? keysArgs[0]?.text : undefined;
  const key = call.args[0]?.text;
  if (!object || !key || !simpleOperand.test(object) || !simpleOperand.test(key)) return null;
  // Our own fallback branch keeps the original call; do not rewrite it again.
  if (node.parent?.type === 'ternary_expression' && node.parent.text.includes('propertyIsEnumerable'))
    return null;
  return { object, key };
}

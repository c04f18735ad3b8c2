import type { Node } from 'web-tree-sitter';
import { functionValueTypes } from './syntax-tree.js';

/**
 * A wrapped definition: a function value passed to a call whose result is bound to a name, as in
 * `const omit = curry(function omit(a, b) {…})`, `export default memo(function Card(p) {…})`,
 * `const save = debounce(() => {…}, 100)` or `var pipe = _curry3(_arity(2, function pipe(f, g) {…}))`.
 * The inner function is the code people write and change; the call's result is what the module binds.
 */
export interface WrappedDefinition {
  /** The function value inside the call(s). */
  inner: Node;
  /** The outermost call, whose parent binds it. */
  call: Node;
  /** The outermost call's callee as written (`curry`, `React.memo`, `_curry3`), shortened. */
  wrapper: string;
}

// Methods whose function argument is a callback run on data, not a definition: `const total = xs.reduce((a, b) => a + b)`.
const callbackMethods = new Set([
  'map',
  'filter',
  'reduce',
  'reduceRight',
  'forEach',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flatMap',
  'sort',
  'toSorted',
  'then',
  'catch',
  'finally',
  'replace',
  'replaceAll',
  'from',
]);

function isFunctionish(node: Node): boolean {
  return functionValueTypes.has(node.type);
}

/**
 * When `fn` is the only function-valued argument of a call, and that call is (again, alone) an argument of further
 * calls, returns the outermost call. Calls with two function arguments (`then(ok, fail)`) or two calls among their
 * arguments (`pipe(map(f), filter(g))`) are combinators, not wrappers: their functions are callbacks.
 */
export function wrappedDefinition(fn: Node): WrappedDefinition | undefined {
  if (!isFunctionish(fn)) return undefined;
  let chain: Node = fn;
  let call: Node | undefined;
  for (;;) {
    const args = chain.parent;
    const candidateCall = args?.parent;
    if (args?.type !== 'arguments' || candidateCall?.type !== 'call_expression') break;
    const holding = args.namedChildren.filter(
      (arg) => arg && (isFunctionish(arg) || arg.type === 'call_expression'),
    );
    if (holding.length !== 1 || holding[0]?.id !== chain.id) return undefined;
    const callee = candidateCall.childForFieldName('function');
    const method =
      callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
    if (method && callbackMethods.has(method)) return undefined;
    call = candidateCall;
    chain = candidateCall;
  }
  if (!call) return undefined;
  const callee = call.childForFieldName('function')?.text ?? '';
  const wrapper = callee.length > 40 ? `${callee.slice(0, 39)}…` : callee;
  return { inner: fn, call, wrapper };
}

/** Every wrapped definition under `root`, in document order. */
export function wrappedDefinitionsIn(root: Node): WrappedDefinition[] {
  const found: WrappedDefinition[] = [];
  for (const fn of root.descendantsOfType([...functionValueTypes])) {
    const wrapped = fn ? wrappedDefinition(fn) : undefined;
    if (wrapped) found.push(wrapped);
  }
  return found;
}

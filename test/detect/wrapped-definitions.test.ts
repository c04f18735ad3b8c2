import { describe, test } from 'vitest';
import { expectShape, type ShapeCase } from './detect-helpers.js';
import { lines } from './git-fixture.js';

// A function defined inside a call is the target; it is named after the binding (or, for a default export, after
// its own name, as an unwrapped `export default function Card` is), and its range covers the whole statement.
const cases: ShapeCase[] = [
  {
    name: 'curried helper bound to a const',
    head: lines('const omit = curry(function omit(names, obj) {', '  return names.length + obj;', '});'),
    changed: [2],
    expected: [
      {
        name: 'omit',
        kind: 'function-expression',
        startLine: 1,
        endLine: 3,
        changedLines: [2],
        wrapper: 'curry',
      },
    ],
  },
  {
    name: 'CommonJS: exports.x and module.exports of a curried function',
    head: lines(
      'module.exports.nth = _curry2(function nth(offset, list) {',
      '  return list[offset];',
      '});',
      'module.exports = _curry2(function head(list) {',
      '  return list[0];',
      '});',
    ),
    changed: [2, 5],
    expected: [
      {
        name: 'nth',
        kind: 'function-expression',
        startLine: 1,
        endLine: 3,
        changedLines: [2],
        exportName: 'nth',
        wrapper: '_curry2',
      },
      {
        name: 'head',
        kind: 'function-expression',
        startLine: 4,
        endLine: 6,
        changedLines: [5],
        exportName: 'default',
        wrapper: '_curry2',
      },
    ],
  },
  {
    name: 'default export of a memoized component: its own name, else `default`',
    head: lines('export default memo(function Card(p) {', '  return p.title;', '});'),
    changed: [2],
    expected: [
      {
        name: 'Card',
        kind: 'function-expression',
        startLine: 1,
        endLine: 3,
        changedLines: [2],
        exportName: 'default',
        wrapper: 'memo',
      },
    ],
  },
  {
    name: 'anonymous arrow in a default export',
    head: lines('export default React.memo((p) => {', '  return p.title;', '});'),
    changed: [2],
    expected: [
      {
        name: 'default',
        kind: 'arrow',
        startLine: 1,
        endLine: 3,
        changedLines: [2],
        exportName: 'default',
        wrapper: 'React.memo',
      },
    ],
  },
  {
    name: 'forwardRef arrow, debounce with a delay, nested wrappers',
    head: lines(
      'export const Input = forwardRef((props, ref) => {',
      '  return props.value;',
      '});',
      'const save = debounce(function () {',
      '  return 1;',
      '}, 100);',
      'var pipe = _curry3(_arity(2, function pipe(f, g) {',
      '  return f;',
      '}));',
    ),
    changed: [2, 5, 8],
    expected: [
      {
        name: 'Input',
        kind: 'arrow',
        startLine: 1,
        endLine: 3,
        changedLines: [2],
        exportName: 'Input',
        wrapper: 'forwardRef',
      },
      {
        name: 'save',
        kind: 'function-expression',
        startLine: 4,
        endLine: 6,
        changedLines: [5],
        wrapper: 'debounce',
      },
      {
        name: 'pipe',
        kind: 'function-expression',
        startLine: 7,
        endLine: 9,
        changedLines: [8],
        wrapper: '_curry3',
      },
    ],
  },
  {
    name: 'a wrapped object member',
    head: lines('const utils = {', '  uniq: memoize(function (xs) {', '    return xs;', '  }),', '};'),
    changed: [3],
    expected: [
      {
        name: 'utils.uniq',
        kind: 'function-expression',
        startLine: 2,
        endLine: 4,
        changedLines: [3],
        wrapper: 'memoize',
        member: { owner: 'utils', static: false },
      },
    ],
  },
  {
    name: 'callbacks of data methods and combinators are not wrapped definitions',
    head: lines(
      'const total = items.reduce((sum, x) => {',
      '  return sum + x;',
      '}, 0);',
      'const both = compose(function a(x) {',
      '  return x;',
      '}, function b(x) {',
      '  return x;',
      '});',
      'const double = pipe(map((x) => {',
      '  return x * 2;',
      '}), filter(Boolean));',
      'const ready = load().then((x) => {',
      '  return x;',
      '});',
    ),
    changed: [2, 5, 10, 13],
    expected: [],
  },
];

const typeScriptCases: ShapeCase[] = [
  {
    name: 'typed curried helper',
    head: lines(
      'export const omit = curry(function omit<T>(names: string[], obj: T): T {',
      '  return obj;',
      '});',
    ),
    changed: [2],
    expected: [
      {
        name: 'omit',
        kind: 'function-expression',
        startLine: 1,
        endLine: 3,
        changedLines: [2],
        exportName: 'omit',
        wrapper: 'curry',
      },
    ],
  },
];

const rewrite = (_line: string, lineNumber: number) => `// old ${lineNumber}`;

describe('wrapped definitions in JavaScript', () => {
  test.for(cases)('$name', async (shape) => {
    await expectShape(shape, { path: 'src/module.js', language: 'javascript', rewrite });
  });
});

describe('wrapped definitions in TypeScript', () => {
  test.for(typeScriptCases)('$name', async (shape) => {
    await expectShape(shape, { path: 'src/module.ts', language: 'typescript', rewrite });
  });
});

import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/detect/types.js';
import { applyLineEdits, editsOf, planCandidateEdits } from '../../src/harness/apply-candidate.js';
import { extractCandidate } from '../../src/optimize/index.js';

const file = [
  "const { curry } = require('./curry');",
  'const omit = curry(function omit(names, obj) {',
  '  const out = {};',
  '  for (const key of Object.keys(obj)) if (names.indexOf(key) < 0) out[key] = obj[key];',
  '  return out;',
  '});',
  'module.exports = { omit };',
  '',
].join('\n');

const omit: Target = {
  id: 'omit.js:omit',
  path: 'omit.js',
  language: 'javascript',
  name: 'omit',
  kind: 'function-expression',
  startLine: 2,
  endLine: 6,
  source: file.split('\n').slice(1, 6).join('\n'),
  changedLines: [4],
  exportName: 'omit',
  async: false,
  generator: false,
  wrapper: 'curry',
  context: '',
};

const fasterInner = [
  'function omit(names, obj) {',
  '  const drop = new Set(names);',
  '  const out = {};',
  '  for (const key of Object.keys(obj)) if (!drop.has(key)) out[key] = obj[key];',
  '  return out;',
  '}',
].join('\n');
const fasterStatement = `const omit = curry(${fasterInner});`;

/** The file after the suggestion is applied. */
async function applied(source: string, target = omit, text = file): Promise<string> {
  return applyLineEdits(text, editsOf(await planCandidateEdits(text, target, { source, imports: [] })));
}

describe('extractCandidate on a wrapped definition', () => {
  it('takes an answer of the whole statement as it is, and the suggestion replaces exactly its lines', async () => {
    const result = await extractCandidate(`\`\`\`js\n${fasterStatement}\n\`\`\``, omit);
    expect(result).toEqual({ ok: true, source: fasterStatement, imports: [] });
    const after = await applied(fasterStatement);
    expect(after).toBe(file.replace(omit.source, fasterStatement));
  });

  it('puts an answer of the inner function alone back inside the original call', async () => {
    const result = await extractCandidate(`\`\`\`js\n${fasterInner}\n\`\`\``, omit);
    expect(result).toEqual({ ok: true, source: fasterStatement, imports: [] });
  });

  it('rejects an answer that drops the wrapper or changes the code around the function', async () => {
    const unwrapped = fasterStatement.replace('curry(', '(');
    expect(await extractCandidate(`\`\`\`js\n${unwrapped}\n\`\`\``, omit)).toEqual({
      ok: false,
      reason: 'format error: the candidate must keep `omit` defined inside `curry(…)`',
      check: 'signature',
    });
    const renamed = fasterStatement.replace('const omit', 'const without');
    expect(await extractCandidate(`\`\`\`js\n${renamed}\n\`\`\``, omit)).toEqual({
      ok: false,
      reason:
        'format error: the candidate changes the code around `omit` inside `curry(…)`; change only the function inside it',
      check: 'signature',
    });
  });

  it("checks the inner function's parameters", async () => {
    const result = await extractCandidate(
      `\`\`\`js\n${fasterInner.replace('(names, obj)', '(names)')}\n\`\`\``,
      omit,
    );
    expect(result).toEqual({
      ok: false,
      reason: 'format error: the candidate changes the parameters of `omit` from (names,obj) to (names)',
      check: 'signature',
    });
  });

  it('re-indents an inner arrow answered flush left inside an indented object member, keeping its comma', async () => {
    const text = [
      'const api = {',
      '  size: memoize((xs) => {',
      '    return xs.length;',
      '  }),',
      '  other: 1,',
      '};',
      '',
    ].join('\n');
    const size: Target = {
      ...omit,
      id: 'api.js:api.size',
      path: 'api.js',
      name: 'api.size',
      kind: 'arrow',
      startLine: 2,
      endLine: 4,
      source: text.split('\n').slice(1, 4).join('\n'),
      wrapper: 'memoize',
      member: { owner: 'api', static: false },
    };
    const result = await extractCandidate('```js\n(xs) => {\n  return xs.length | 0;\n}\n```', size);
    const expected = '  size: memoize((xs) => {\n    return xs.length | 0;\n  }),';
    expect(result).toEqual({ ok: true, source: expected, imports: [] });
    expect(await applied(expected, size, text)).toBe(text.replace('xs.length;', 'xs.length | 0;'));
  });
});

describe('extractCandidate on an object-literal method', () => {
  it('keeps the comma that separates it from the next member when the answer leaves it out', async () => {
    const text = [
      'module.exports = {',
      '  uniq(xs) {',
      '    return xs;',
      '  },',
      '  other() {},',
      '};',
      '',
    ].join('\n');
    const uniq: Target = {
      ...omit,
      id: 'u.js:uniq',
      path: 'u.js',
      name: 'uniq',
      kind: 'method',
      startLine: 2,
      endLine: 4,
      source: text.split('\n').slice(1, 4).join('\n'),
      member: { owner: 'module.exports', static: false },
    };
    delete uniq.wrapper;
    const result = await extractCandidate('```js\nuniq(xs) {\n  return [...new Set(xs)];\n}\n```', uniq);
    const expected = '  uniq(xs) {\n    return [...new Set(xs)];\n  },';
    expect(result).toEqual({ ok: true, source: expected, imports: [] });
    expect(await applied(expected, uniq, text)).toBe(text.replace('return xs;', 'return [...new Set(xs)];'));
  });
});

describe('extractCandidate on `module.exports = function name(…)`', () => {
  const source = [
    'module.exports = function equal(a, b) {',
    '  if (a === b) return true;',
    '  return JSON.stringify(a) === JSON.stringify(b);',
    '};',
  ].join('\n');
  const equal: Target = {
    ...omit,
    id: 'index.js:equal',
    path: 'index.js',
    name: 'equal',
    startLine: 1,
    endLine: 4,
    source,
    changedLines: [2],
    wrapper: undefined,
  };

  it('accepts a rewrite that keeps the named function expression, and rejects one that renames it', async () => {
    const faster = source.replace('JSON.stringify(a) === JSON.stringify(b)', 'a !== a && b !== b');
    expect(await extractCandidate(`\`\`\`js\n${faster}\n\`\`\``, equal)).toEqual({
      ok: true,
      source: faster,
      imports: [],
    });
    const renamed = faster.replace('function equal', 'function same');
    expect(await extractCandidate(`\`\`\`js\n${renamed}\n\`\`\``, equal)).toMatchObject({
      ok: false,
      reason: 'format error: the candidate does not define `equal`',
      check: 'signature',
    });
  });
});

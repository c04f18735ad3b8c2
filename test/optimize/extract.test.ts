import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/detect/types.js';
import { extractCandidate } from '../../src/optimize/index.js';

function target(overrides: Partial<Target> = {}): Target {
  return {
    id: 'src/a.js:add',
    path: 'src/a.js',
    language: 'javascript',
    name: 'add',
    kind: 'function',
    startLine: 1,
    endLine: 3,
    source: 'export function add(a, b) {\n  return a + b;\n}',
    changedLines: [2],
    exportName: 'add',
    async: false,
    generator: false,
    context: '',
    ...overrides,
  };
}

describe('extractCandidate', () => {
  it('takes the last JavaScript fence of an answer', async () => {
    const answer =
      'First try:\n```js\nexport function add(a, b) { return 0; }\n```\nBetter:\n```javascript\n' +
      'export function add(a, b) {\n  return b + a;\n}\n```\n';
    expect(await extractCandidate(answer, target())).toEqual({
      ok: true,
      source: 'export function add(a, b) {\n  return b + a;\n}',
      imports: [],
    });
  });

  it('ignores fences of other languages', async () => {
    const answer = '```javascript\nexport function add(a, b) { return a + b; }\n```\n```bash\nnpm test\n```';
    const result = await extractCandidate(answer, target());
    expect(result).toEqual({ ok: true, source: 'export function add(a, b) { return a + b; }', imports: [] });
  });

  it("reads Afterburner models' <solution> tags", async () => {
    const answer =
      '<thinking>hmm</thinking><solution>\nexport function add(a, b) {\n  return a + b;\n}\n</solution>';
    expect(await extractCandidate(answer, target())).toMatchObject({
      ok: true,
      source: 'export function add(a, b) {\n  return a + b;\n}',
    });
  });

  it('reports a format error for an answer without code', async () => {
    expect(await extractCandidate('I cannot help with that.', target())).toEqual({
      ok: false,
      reason: 'format error: the answer holds no JavaScript code block',
      check: 'format',
    });
  });

  it('reports a syntax error with its line', async () => {
    const result = await extractCandidate(
      '```js\nexport function add(a, b) {\n  return a +;\n}\n```',
      target(),
    );
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.reason).toMatch(/syntax error at its line 2/);
  });

  it('rejects code that no longer defines the function', async () => {
    const result = await extractCandidate(
      '```js\nexport function sum(a, b) { return a + b; }\n```',
      target(),
    );
    expect(result).toEqual({
      ok: false,
      reason: 'format error: the candidate does not define `add`',
      check: 'signature',
    });
  });

  it('re-indents a class method returned flush left', async () => {
    const method = target({
      name: 'Cache.get',
      kind: 'method',
      source: '  get(key) {\n    return this.map.get(key);\n  }',
    });
    const result = await extractCandidate(
      '```js\nget(key) {\n  return this.map.get(key) ?? null;\n}\n```',
      method,
    );
    expect(result).toEqual({
      ok: true,
      source: '  get(key) {\n    return this.map.get(key) ?? null;\n  }',
      imports: [],
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/detect/types.js';
import { buildPrompt, estimateTokens, extractCandidate } from '../../src/optimize/index.js';

function target(overrides: Partial<Target>): Target {
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

const python = target({
  id: 'lib/q.py:drain',
  path: 'lib/q.py',
  language: 'python',
  name: 'drain',
  source:
    'def drain(items, limit=10):\n    out = []\n    while items and len(out) < limit:\n        out.append(items.pop(0))\n    return out',
  exportName: undefined,
});

describe('extraction per language', () => {
  it('takes a Python fence with a standard-library import as two edits', async () => {
    const answer =
      '```python\nfrom collections import deque\n\ndef drain(items, limit=10):\n    queue = deque(items)\n' +
      '    out = [queue.popleft() for _ in range(min(limit, len(queue)))]\n    items[:] = list(queue)\n    return out\n```';
    const result = await extractCandidate(answer, python);
    expect(result).toMatchObject({ ok: true, imports: ['from collections import deque'] });
    expect(result.ok && result.source.startsWith('def drain(items, limit=10):')).toBe(true);
  });

  it('rejects a Python import of an undeclared package, and accepts a declared one', async () => {
    const answer =
      '```python\nimport numpy as np\n\ndef drain(items, limit=10):\n    return list(np.array(items))\n```';
    expect(await extractCandidate(answer, python)).toEqual({
      ok: false,
      reason: 'format error: new dependency numpy',
      check: 'dependency',
    });
    const declared = await extractCandidate(answer, python, {
      dependencies: { node: [], python: ['numpy'] },
    });
    expect(declared).toMatchObject({ ok: true, imports: ['import numpy as np'] });
  });

  it('checks the parameters, modulo whitespace', async () => {
    const same = await extractCandidate(
      '```py\ndef drain(items,limit = 10):\n    return items[:limit]\n```',
      python,
    );
    expect(same.ok).toBe(true);
    const renamed = await extractCandidate(
      '```python\ndef drain(xs, limit=10):\n    return xs[:limit]\n```',
      python,
    );
    expect(renamed).toEqual({
      ok: false,
      reason:
        'format error: the candidate changes the parameters of `drain` from (items,limit=10) to (xs,limit=10)',
      check: 'signature',
    });
    const spaced = await extractCandidate(
      '```python\ndef drain( items, limit=10 ):\n    return items[:limit]\n```',
      python,
    );
    expect(spaced.ok).toBe(true);
  });

  it('keeps export and async-ness', async () => {
    const unexported = await extractCandidate('```js\nfunction add(a, b) { return a + b; }\n```', target({}));
    expect(unexported).toEqual({
      ok: false,
      reason: 'format error: the candidate changes the export (must keep export)',
      check: 'signature',
    });
    const asyncified = await extractCandidate(
      '```js\nexport async function add(a, b) { return a + b; }\n```',
      target({}),
    );
    expect(asyncified).toEqual({
      ok: false,
      reason: 'format error: `add` must stay not async',
      check: 'signature',
    });
  });

  it('reads TypeScript fences with types, and Node built-in imports', async () => {
    const ts = target({
      path: 'src/a.ts',
      language: 'typescript',
      source: 'export function add(a: number, b: number): number {\n  return a + b;\n}',
    });
    const answer =
      "```typescript\nimport { strict } from 'node:assert';\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```";
    expect(await extractCandidate(answer, ts)).toMatchObject({
      ok: true,
      imports: ["import { strict } from 'node:assert';"],
    });
    expect(await extractCandidate(answer.replace('typescript', 'python'), ts)).toEqual({
      ok: false,
      reason: 'format error: the answer holds no TypeScript code block',
      check: 'format',
    });
  });

  it('accepts project dependencies and relative imports in JavaScript, not others', async () => {
    const answer = (from: string) =>
      `\`\`\`js\nimport x from '${from}';\nexport function add(a, b) { return x(a, b); }\n\`\`\``;
    expect((await extractCandidate(answer('./math.js'), target({}))).ok).toBe(true);
    expect(await extractCandidate(answer('@scope/pkg/sub'), target({}))).toEqual({
      ok: false,
      reason: 'format error: new dependency @scope/pkg',
      check: 'dependency',
    });
    const declared = await extractCandidate(answer('@scope/pkg/sub'), target({}), {
      dependencies: { node: ['@scope/pkg'], python: [] },
    });
    expect(declared.ok).toBe(true);
  });
});

describe('the prompt', () => {
  const context = [
    'const SMALL = 1;',
    `const BIG = [${'1, '.repeat(4000)}];`,
    `const MEDIUM = '${'m'.repeat(800)}';`,
  ].join('\n\n');

  it('holds the instruction, the language, the allowed imports and the output format', () => {
    const [system, user] = buildPrompt({
      target: python,
      currentSource: python.source,
      feedback: [],
      instruction: 'time',
      dependencies: { node: [], python: ['numpy'] },
    });
    expect(system?.content).toMatch(/never add third-party dependencies/);
    expect(user?.content).toContain('## Language\nPython');
    expect(user?.content).toContain('```python\ndef drain');
    expect(user?.content).toContain('Optimize for execution time');
    expect(user?.content).toContain(
      "the Python standard library, the project's own modules, and its declared dependencies: numpy",
    );
    expect(user?.content).toMatch(
      /Passed: yes \| Time: baseline .* \| Memory: baseline \| Integral: baseline/,
    );
  });

  it("shows the offline rules' near misses as conditions the rewrite must keep, and nothing when there are none", () => {
    const miss =
      'shift-queue: `queue` starts as `items.slice()`, not a new array (a literal or `Array.from(…)`)';
    const [, user] = buildPrompt({
      target: python,
      currentSource: python.source,
      feedback: [],
      nearMisses: [miss],
    });
    expect(user?.content).toContain(`## Near misses of the offline rules\n`);
    expect(user?.content).toContain(`behaviour your version must keep:\n- ${miss}`);
    const [, plain] = buildPrompt({ target: python, currentSource: python.source, feedback: [] });
    expect(plain?.content).not.toContain('Near misses');
  });

  it('trims the largest context first to fit the token budget', () => {
    const big = target({ context });
    const full = buildPrompt({ target: big, currentSource: big.source, feedback: [], maxTokens: 100_000 });
    expect(full[1]?.content).toContain('const BIG');
    const trimmed = buildPrompt({ target: big, currentSource: big.source, feedback: [], maxTokens: 1200 });
    const text = trimmed[1]?.content ?? '';
    expect(text).not.toContain('const BIG');
    expect(text).toContain('const MEDIUM');
    expect(text).toContain('const SMALL');
    expect(text).toContain('(trimmed to fit)');
    expect(estimateTokens(text) + estimateTokens(trimmed[0]?.content ?? '')).toBeLessThanOrEqual(1200);
  });
});

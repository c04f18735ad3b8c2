import { afterAll, describe, expect, it } from 'vitest';
import type { Target } from '../../src/detect/types.js';
import { RulesProvider, rulesFor } from '../../src/providers/rules/index.js';
import { expectPreserved, expectSameBehaviour, removeScratchDir, rewrite } from './rules-fixtures/harness.js';

afterAll(removeScratchDir);

const tsRules = rulesFor('typescript');

describe('JavaScript rules on TypeScript and TSX', () => {
  it('parses TypeScript with its own grammar and keeps the type annotations', async () => {
    const source = `export function sharedTags(posts: { tags: string[] }[], featured: readonly string[]): string[] {
  const result: string[] = [];
  for (const post of posts) {
    for (const tag of post.tags) {
      if (featured.includes(tag) && !result.includes(tag)) result.push(tag);
    }
  }
  return result;
}`;
    // The JavaScript grammar cannot read it: the rules must run on the target's own language.
    expect(await rewrite(source, tsRules, 'javascript')).toBeNull();
    const rewritten = (await rewrite(source, tsRules, 'typescript')) ?? '';
    expect(
      rewritten,
    ).toBe(`export function sharedTags(posts: { tags: string[] }[], featured: readonly string[]): string[] {
  const result: string[] = [];
  const resultSeen = new Set();
  const featuredSet = Array.isArray(featured) ? new Set(featured) : null;
  for (const post of posts) {
    for (const tag of post.tags) {
      if ((featuredSet ? featuredSet.has(tag) : featured.includes(tag)) && !resultSeen.has(tag)) { resultSeen.add(tag); result.push(tag); }
    }
  }
  return result;
}`);
    await expectPreserved(source, rewritten, /includes/, 'typescript');
    await expectSameBehaviour({
      original: source,
      rewritten,
      name: 'sharedTags',
      grammar: 'typescript',
      wrap: '%s',
      inputs: [
        [
          [{ tags: ['a', 'b', 'a'] }, { tags: ['c', 'b'] }],
          ['b', 'a'],
        ],
        [[], []],
      ],
    });
  });

  it('rewrites a typed reduce with a cast initial value and a typed queue', async () => {
    const source = `export function walk<T extends { id: string; next: T[] }>(root: T): Record<string, T> {
  const queue: T[] = [root];
  const seen: T[] = [];
  while (queue.length !== 0) {
    const node = queue.shift() as T;
    seen.push(node);
    queue.push(...node.next);
  }
  return seen.reduce((acc: Record<string, T>, n: T) => ({ ...acc, [n.id]: n }), {} as Record<string, T>);
}`;
    const rewritten = (await rewrite(source, tsRules, 'typescript')) ?? '';
    expect(rewritten).toContain('let queueHead = 0;\n  while (queueHead < queue.length) {');
    expect(rewritten).toContain('const node = queue[queueHead++] as T;');
    expect(rewritten).toContain(
      "(acc: Record<string, T>, n: T) => {\n    if (n.id === '__proto__' || typeof n.id === 'object' || typeof n.id === 'function') return ({ ...acc, [n.id]: n });\n    (acc as unknown as Record<PropertyKey, unknown>)[n.id] = n;\n    return acc;\n  }, {} as Record<string, T>)",
    );
    await expectPreserved(source, rewritten, /queue|reduce/, 'typescript');
    const graph = {
      id: 'a',
      next: [
        { id: 'b', next: [] },
        { id: 'c', next: [{ id: 'd', next: [] }] },
      ],
    };
    await expectSameBehaviour({
      original: source,
      rewritten,
      name: 'walk',
      grammar: 'typescript',
      wrap: '%s',
      inputs: [[graph]],
    });
  });

  it('rewrites inside a TSX component without touching the JSX', async () => {
    const source = `export const Tags = ({ tags, hidden }: { tags: string[]; hidden: string[] }) => (
  <ul>
    {tags.filter((t) => !hidden.includes(t)).map((t) => (
      <li key={t}>{t}</li>
    ))}
  </ul>
);`;
    const rewritten = (await rewrite(source, tsRules, 'tsx')) ?? '';
    expect(rewritten).toBe(`export const Tags = ({ tags, hidden }: { tags: string[]; hidden: string[] }) => {
  const hiddenSet = Array.isArray(hidden) ? new Set(hidden) : null;
  return (
  <ul>
    {tags.filter((t) => !(hiddenSet ? hiddenSet.has(t) : hidden.includes(t))).map((t) => (
      <li key={t}>{t}</li>
    ))}
  </ul>
);
};`);
    await expectPreserved(source, rewritten, /Tags|includes|\);/, 'tsx');
    const jsx =
      'const React = { createElement: (type, props, ...children) => ({ type, props, children }) };\n%s';
    await expectSameBehaviour({
      original: source,
      rewritten,
      name: 'Tags',
      grammar: 'tsx',
      wrap: jsx,
      inputs: [[{ tags: ['a', 'b', 'c'], hidden: ['b'] }]],
    });
  });
});

describe('RulesProvider across languages', () => {
  const target = (language: Target['language'], source: string, context = ''): Target => ({
    id: `src/lib:${language}`,
    path: 'src/lib',
    language,
    name: 'f',
    kind: 'function',
    startLine: 1,
    endLine: source.split('\n').length,
    source,
    changedLines: [1],
    async: false,
    generator: false,
    context,
  });
  const propose = (t: Target, count = 5) =>
    new RulesProvider().propose({ target: t, currentSource: t.source, messages: [], count, iteration: 0 });

  it('answers TypeScript and TSX in their own fences', async () => {
    const ts =
      'function f(a: number[], b: number[]): number[] {\n  return a.filter((x) => b.includes(x));\n}';
    const [tsAnswer] = (await propose(target('typescript', ts))).answers;
    expect(tsAnswer).toMatch(
      /^Offline rule applied: `set-membership`.*\n\n```typescript\nfunction f\(a: number\[\], b: number\[\]\): number\[\] \{\n  const bSet = Array\.isArray\(b\) \? new Set\(b\) : null;\n/,
    );
    const tsx = 'const F = ({ a, b }: P) => <p>{a.filter((x) => b.includes(x)).length}</p>;';
    const [tsxAnswer] = (await propose(target('tsx', tsx))).answers;
    expect(tsxAnswer).toContain(
      '```tsx\nconst F = ({ a, b }: P) => {\n  const bSet = Array.isArray(b) ? new Set(b) : null;',
    );
  });

  it('answers Python with the import lines first, above the function, unless the file has them', async () => {
    const py =
      'def bfs(root):\n    queue = [root]\n    seen = []\n    while queue:\n        node = queue.pop(0)\n        name = str(node)\n        if name not in seen:\n            seen.append(name)\n    return seen';
    const reply = await propose(target('python', py));
    expect(reply.answers).toHaveLength(3);
    const [combined, dedupe, deque] = reply.answers;
    expect(combined?.split('\n')[0]).toMatch(
      /^Offline rules applied: `dedupe-seen-set` .* and `pop-front-deque`/,
    );
    expect(combined).toContain(
      '```python\nfrom collections import deque\n\ndef bfs(root):\n    queue = deque([root])\n',
    );
    expect(dedupe).toContain('```python\ndef bfs(root):\n');
    expect(deque).toContain('```python\nfrom collections import deque\n\ndef bfs(root):');
    const withImport = await propose(target('python', py, 'import os\nfrom collections import deque\n'), 1);
    expect(withImport.answers[0]).toContain('```python\ndef bfs(root):\n    queue = deque([root])');
  });

  it('runs only the rules of the target language family', async () => {
    const pyLooking = 'def f(xs, ys: list[int]):\n    return [x for x in xs if x in ys]';
    expect((await propose(target('javascript', pyLooking))).answers).toEqual([]);
    const jsLooking = 'function f(a, b) {\n  return a.filter((x) => b.includes(x));\n}';
    expect((await propose(target('python', jsLooking))).answers).toEqual([]);
    expect(rulesFor('tsx')).toBe(rulesFor('javascript'));
    expect(rulesFor('python').every((rule) => rule.family === 'python')).toBe(true);
  });
});

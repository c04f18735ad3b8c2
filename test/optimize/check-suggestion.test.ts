import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../../src/demo/materialize-fixture.js';
import { noDependencies, type StoredSuggestion, storedSuggestionProblem } from '../../src/optimize/index.js';

const postsText = await readFile(join(fixturesDir, 'tagged-posts', 'src', 'posts.js'), 'utf8');
const header = '// Catalogue helpers for tagged blog posts.';

const sharedTags: StoredSuggestion = {
  path: 'src/posts.js',
  name: 'sharedTags',
  language: 'javascript',
  startLine: 4,
  endLine: 12,
  replacement: [
    'export function sharedTags(posts, featured) {',
    '  const wanted = new Set(featured);',
    '  const result = new Set();',
    '  for (const post of posts) for (const tag of post.tags) if (wanted.has(tag)) result.add(tag);',
    '  return [...result];',
    '}',
  ].join('\n'),
};
const withImport = (line: string): StoredSuggestion => ({
  ...sharedTags,
  importEdit: { startLine: 1, endLine: 1, original: header, replacement: `${header}\n${line}` },
});
const problem = (suggestion: StoredSuggestion, fileText = postsText, dependencies = noDependencies) =>
  storedSuggestionProblem({ suggestion, fileText, dependencies });

describe('a suggestion read from a report passes the checks of a fresh candidate', () => {
  it('accepts clean code, and an import edit that adds a standard module', async () => {
    expect(await problem(sharedTags)).toBeUndefined();
    expect(await problem(withImport("import { strict } from 'node:assert';"))).toBeUndefined();
  });

  it('drops code that starts a process the original does not', async () => {
    const spawning = {
      ...withImport("import { execSync } from 'node:child_process';"),
      replacement: sharedTags.replacement.replace('{\n', "{\n  execSync('id');\n"),
    };
    expect(await problem(spawning)).toMatch(/adds a capability the original does not use: child_process/);
  });

  it('drops a package the project does not declare, and accepts one it does', async () => {
    const lodash = withImport("import uniq from 'lodash/uniq.js';");
    expect(await problem(lodash)).toBe('new dependency lodash');
    expect(await problem(lodash, postsText, { node: ['lodash'], python: [] })).toBeUndefined();
  });

  it('drops a renamed function, a changed parameter list and a dropped export', async () => {
    const renamed = {
      ...sharedTags,
      replacement: sharedTags.replacement.replace('sharedTags', 'commonTags'),
    };
    expect(await problem(renamed)).toBe('it does not define `sharedTags`');
    const params = {
      ...sharedTags,
      replacement: sharedTags.replacement.replace('featured)', 'featured, x)'),
    };
    expect(await problem(params)).toMatch(/changes the parameters of `sharedTags`/);
    const unexported = { ...sharedTags, replacement: sharedTags.replacement.replace('export ', '') };
    expect(await problem(unexported)).toMatch(/changes the export/);
  });

  it('drops code that does not parse', async () => {
    const broken = { ...sharedTags, replacement: sharedTags.replacement.replace('return [', 'return [[') };
    expect(await problem(broken)).toMatch(/syntax error at its line \d/);
  });

  it('drops a name that is not the function on those lines, and lines that are no function', async () => {
    expect(await problem({ ...sharedTags, name: 'missingIds' })).toBe(
      'it names `missingIds`, but lines 4–12 hold `sharedTags`',
    );
    expect(await problem({ ...sharedTags, startLine: 5 })).toBe(
      'lines 5–12 do not hold one function at the head commit',
    );
  });

  it('drops an import edit that smuggles code outside the function, or rewrites its line', async () => {
    expect(await problem(withImport("globalThis.x = require('fs');"))).toBe(
      'its import edit adds code that is not an import statement',
    );
    const rewritten = {
      ...sharedTags,
      importEdit: { startLine: 1, endLine: 1, original: header, replacement: "import fs from 'node:fs';" },
    };
    expect(await problem(rewritten)).toBe('its import edit rewrites line 1 instead of adding lines to it');
  });

  it('drops a replacement the checks would have reshaped (an unindented method body stays as posted)', async () => {
    const text = 'class Tags {\n  size(xs) {\n    return xs.length;\n  }\n}\n';
    const flush = {
      path: 'src/tags.js',
      name: 'Tags.size',
      language: 'javascript' as const,
      startLine: 2,
      endLine: 4,
      replacement: 'size(xs) {\nreturn xs.length | 0;\n}',
    };
    expect(await problem(flush, text)).toMatch(/not the function text the checks read/);
    const indented = { ...flush, replacement: '  size(xs) {\n    return xs.length | 0;\n  }' };
    expect(await problem(indented, text)).toBeUndefined();
  });

  it('drops a Python suggestion that imports subprocess', async () => {
    const text = 'def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n';
    const suggestion: StoredSuggestion = {
      path: 'pkg/sums.py',
      name: 'total',
      language: 'python',
      startLine: 1,
      endLine: 5,
      replacement: 'import subprocess\ndef total(xs):\n    subprocess.run(["id"])\n    return sum(xs)',
    };
    expect(await problem(suggestion, text)).toMatch(
      /adds a capability the original does not use: subprocess/,
    );
    const clean = { ...suggestion, replacement: 'def total(xs):\n    return sum(xs)' };
    expect(await problem(clean, text)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/detect/types.js';
import { applyLineEdits, editsOf, planCandidateEdits } from '../../src/harness/index.js';

function targetIn(fileText: string, name: string, language: Target['language'] = 'javascript'): Target {
  const lines = fileText.split('\n');
  const startLine = lines.findIndex((l) => l.includes(name)) + 1;
  let endLine = startLine;
  while (endLine < lines.length && lines[endLine - 1] !== '}') endLine++;
  if (language === 'python') endLine = startLine + 1;
  return {
    id: `f:${name}`,
    path: 'f',
    language,
    name,
    kind: 'function',
    startLine,
    endLine,
    source: lines.slice(startLine - 1, endLine).join('\n'),
    changedLines: [startLine],
    exportName: name,
    async: false,
    generator: false,
    context: '',
  };
}

describe('planCandidateEdits', () => {
  it('replaces exactly the function lines when no import is needed', async () => {
    const file = "import a from 'a';\n\nexport function f(x) {\n  return x;\n}\n";
    const target = targetIn(file, 'function f');
    const edits = await planCandidateEdits(file, target, {
      source: 'export function f(x) {\n  return +x;\n}',
      imports: [],
    });
    expect(edits.imports).toBeUndefined();
    expect(applyLineEdits(file, editsOf(edits))).toBe(
      "import a from 'a';\n\nexport function f(x) {\n  return +x;\n}\n",
    );
  });

  it('adds imports after the last import as a second edit of the anchor line', async () => {
    const file =
      "import a from 'a';\nimport {\n  b,\n} from 'b';\n\nexport function f(x) {\n  return x;\n}\n";
    const target = targetIn(file, 'function f');
    const candidate = {
      source: 'export function f(x) {\n  return c(x);\n}',
      imports: ["import { c } from 'node:c';"],
    };
    const edits = await planCandidateEdits(file, target, candidate);
    expect(edits.imports).toEqual({
      startLine: 4,
      endLine: 4,
      original: "} from 'b';",
      replacement: "} from 'b';\nimport { c } from 'node:c';",
    });
    expect(applyLineEdits(file, editsOf(edits))).toBe(
      "import a from 'a';\nimport {\n  b,\n} from 'b';\nimport { c } from 'node:c';\n\nexport function f(x) {\n  return c(x);\n}\n",
    );
  });

  it('does not add an import the file already has', async () => {
    const file = "import a from 'a';\nexport function f(x) {\n  return x;\n}\n";
    const edits = await planCandidateEdits(file, targetIn(file, 'function f'), {
      source: 'export function f(x) {\n  return a(x);\n}',
      imports: ["import a from 'a';"],
    });
    expect(edits.imports).toBeUndefined();
  });

  it('puts imports after a Python module docstring when there are none', async () => {
    const file = '"""Doc."""\n\n\ndef f(q):\n    return q.pop(0)\n';
    const target = targetIn(file, 'def f', 'python');
    const edits = await planCandidateEdits(file, target, {
      source: 'def f(q):\n    return q.popleft()',
      imports: ['from collections import deque'],
    });
    expect(edits.imports).toEqual({
      startLine: 1,
      endLine: 1,
      original: '"""Doc."""',
      replacement: '"""Doc."""\nfrom collections import deque',
    });
  });

  it('folds the imports into the function edit when the function starts the file', async () => {
    const file = 'function f(x) {\n  return x;\n}\n';
    const edits = await planCandidateEdits(file, targetIn(file, 'function f'), {
      source: 'function f(x) {\n  return g(x);\n}',
      imports: ["const g = require('g');"],
    });
    expect(edits.imports).toBeUndefined();
    expect(applyLineEdits(file, editsOf(edits))).toBe(
      "const g = require('g');\nfunction f(x) {\n  return g(x);\n}\n",
    );
  });

  it('refuses overlapping edits', () => {
    const edit = { startLine: 2, endLine: 3, original: '', replacement: 'x' };
    expect(() => applyLineEdits('a\nb\nc\nd', [edit, { ...edit, startLine: 3, endLine: 4 }])).toThrow(
      /overlapping/,
    );
  });
});

import { describe, expect, test } from 'vitest';
import { buildContext } from '../../src/detect/languages/context.js';
import { detectBetween } from './detect-helpers.js';
import { lines, withLines } from './git-fixture.js';

const module = lines(
  "import { readFile } from 'node:fs/promises';", // 1
  "const path = require('node:path');",
  "require('./polyfill.js');",
  'const SCALE = 3;',
  'const UNUSED = 99;', // 5
  'function scale(x) {',
  '  return x * SCALE;',
  '}',
  'function unrelated() {',
  '  return UNUSED;', // 10
  '}',
  'class Point {',
  '  norm() {',
  '    return Math.hypot(this.x, this.y);',
  '  }', // 15
  '}',
  'export function area(p) {',
  '  const s = scale(p.norm());',
  '  return new Point(s, s);',
  '}', // 20
);

describe('target context', () => {
  test('imports, requires and referenced module-level definitions, followed transitively, in source order', async () => {
    const result = await detectBetween(
      { 'src/m.js': withLines(module, { 18: '  const s = p.norm();' }) },
      { 'src/m.js': module },
    );
    expect(result.targets.map((t) => t.name)).toEqual(['area']);
    expect(result.targets[0]?.context).toBe(
      [
        "import { readFile } from 'node:fs/promises';\nconst path = require('node:path');\nrequire('./polyfill.js');",
        'const SCALE = 3;',
        'function scale(x) {\n  return x * SCALE;\n}',
        'class Point {\n  norm() {\n    return Math.hypot(this.x, this.y);\n  }\n}',
      ].join('\n\n'),
    );
  });

  test('a method does not get its own class repeated as context', async () => {
    const result = await detectBetween(
      { 'src/m.js': withLines(module, { 14: '    return 0;' }) },
      { 'src/m.js': module },
    );
    expect(result.targets.map((t) => t.name)).toEqual(['Point.norm']);
    expect(result.targets[0]?.context).not.toContain('class Point');
  });

  test('the budget keeps direct references first and says when it dropped something', () => {
    const definition = (name: string, size: number, position: number, uses: string[] = []) => ({
      names: [name],
      source: `const ${name} = '${'x'.repeat(size)}';`,
      position,
      identifiers: new Set(uses),
    });
    const context = buildContext({
      imports: ["import a from 'a';"],
      definitions: [
        definition('big', 300, 10),
        definition('direct', 10, 20, ['indirect']),
        definition('indirect', 10, 30),
      ],
      identifiers: new Set(['big', 'direct']),
      enclosingStatement: 0,
      maxChars: 150,
    });
    expect(context).toBe(
      [
        "import a from 'a';",
        `const direct = '${'x'.repeat(10)}';`,
        `const indirect = '${'x'.repeat(10)}';`,
        '// (more module-level definitions omitted)',
      ].join('\n\n'),
    );
    expect(context.length).toBeLessThanOrEqual(150);
  });
});

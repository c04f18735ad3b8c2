import { describe, expect, test } from 'vitest';
import { ContextBuilder, IdentifierIndex } from '../../src/detect/languages/context.js';
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
    // A file laid out as: [target 0..10) [big 10..20) [direct 20..30) [indirect 30..40), identifiers placed inside.
    const definition = (name: string, size: number, start: number) => ({
      names: [name],
      source: `const ${name} = '${'x'.repeat(size)}';`,
      start,
      end: start + 10,
    });
    const identifiers = new IdentifierIndex([
      { offset: 1, name: 'big' },
      { offset: 2, name: 'direct' },
      { offset: 25, name: 'indirect' },
    ]);
    const builder = new ContextBuilder(
      ["import a from 'a';"],
      [definition('big', 300, 10), definition('direct', 10, 20), definition('indirect', 10, 30)],
      identifiers,
      150,
    );
    const context = builder.contextFor({ start: 0, end: 10, enclosingStatement: 0 });
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

  test('identifier index returns the names inside a range', () => {
    const index = new IdentifierIndex([
      { offset: 0, name: 'a' },
      { offset: 5, name: 'b' },
      { offset: 9, name: 'c' },
      { offset: 12, name: 'b' },
    ]);
    expect([...index.within(5, 12)]).toEqual(['b', 'c']);
    expect([...index.within(13, 20)]).toEqual([]);
  });
});

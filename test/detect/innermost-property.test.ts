import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { Target } from '../../src/detect/types.js';
import { createTempRepo, type TempRepo } from './git-fixture.js';

/**
 * Property: for random edits at marked lines inside the functions of the fixture modules (fixtures/detect/), every
 * changed line maps to exactly the innermost enclosing function (named by hand in the marker), unchanged
 * functions never appear, and functions that only received comments are skipped as such, never targeted.
 */

type EditKind = 'modify' | 'insert' | 'comment' | 'delete';

interface Marker {
  /** 0-based line index in the fixture. */
  index: number;
  name: string;
  deletable: boolean;
}

interface Fixture {
  file: string;
  path: string;
  comment: string;
  statement: (n: number) => string;
  /** Whether any marked line may be deleted (a JavaScript block may be empty, a Python one may not). */
  deleteAny: boolean;
}

const fixtures: Fixture[] = [
  {
    file: 'module.js',
    path: 'src/module.js',
    comment: '//',
    statement: (n) => `void ${n};`,
    deleteAny: true,
  },
  {
    file: 'module.ts',
    path: 'src/module.ts',
    comment: '//',
    statement: (n) => `void ${n};`,
    deleteAny: true,
  },
  { file: 'view.tsx', path: 'src/view.tsx', comment: '//', statement: (n) => `void ${n};`, deleteAny: true },
  { file: 'module.py', path: 'pkg/module.py', comment: '#', statement: (n) => `_ = ${n}`, deleteAny: false },
];

const iterationsPerFixture = 30;

/** mulberry32: small, fast, and seeded, so a failure reproduces from the printed seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function markersOf(lines: string[]): Marker[] {
  return lines.flatMap((line, index) => {
    const match = /@edit (\S+)( del)?$/.exec(line);
    return match?.[1] ? [{ index, name: match[1], deletable: match[2] !== undefined }] : [];
  });
}

/** A setter shares its name with its getter; the fixtures tell them apart as `name@setter`. */
function identity(target: Target): string {
  return target.member?.accessor === 'set' ? `${target.name}@setter` : target.name;
}

interface EditedFile {
  text: string;
  /** Functions with an edit that changes code. */
  changed: Set<string>;
  /** Functions whose only edits are added comments. */
  commentedOnly: Set<string>;
  /** Head line numbers of rewritten or inserted statements, with the function owning each. */
  codeLines: Map<number, string>;
  /** Head line numbers of inserted comments, with the function owning each. */
  commentLines: Map<number, string>;
  description: string[];
}

function applyEdits(fixture: Fixture, lines: string[], markers: Marker[], next: () => number): EditedFile {
  const count = 1 + Math.floor(next() * 4);
  const chosen = new Map<number, { marker: Marker; kind: EditKind }>();
  for (let i = 0; i < count; i++) {
    const marker = markers[Math.floor(next() * markers.length)];
    if (!marker || chosen.has(marker.index)) continue;
    const kinds: EditKind[] = ['modify', 'insert', 'comment'];
    if (fixture.deleteAny || marker.deletable) kinds.push('delete');
    chosen.set(marker.index, { marker, kind: kinds[Math.floor(next() * kinds.length)] ?? 'modify' });
  }
  const out: string[] = [];
  const edited: EditedFile = {
    text: '',
    changed: new Set(),
    commentedOnly: new Set(),
    codeLines: new Map(),
    commentLines: new Map(),
    description: [],
  };
  const commented = new Set<string>();
  for (const [index, line] of lines.entries()) {
    const edit = chosen.get(index);
    if (!edit) {
      out.push(line);
      continue;
    }
    const { marker, kind } = edit;
    edited.description.push(`${kind} line ${index + 1} (${marker.name})`);
    const indent = /^\s*/.exec(line)?.[0] ?? '';
    const n = Math.floor(next() * 1000);
    switch (kind) {
      case 'modify':
        out.push(`${indent}${fixture.statement(n)} ${fixture.comment} rewritten`);
        edited.codeLines.set(out.length, marker.name);
        edited.changed.add(marker.name);
        break;
      case 'insert':
        out.push(`${indent}${fixture.statement(n)}`);
        edited.codeLines.set(out.length, marker.name);
        edited.changed.add(marker.name);
        out.push(line);
        break;
      case 'comment':
        out.push(`${indent}${fixture.comment} note ${n}`);
        edited.commentLines.set(out.length, marker.name);
        commented.add(marker.name);
        out.push(line);
        break;
      case 'delete':
        edited.changed.add(marker.name);
        break;
    }
  }
  for (const name of commented) if (!edited.changed.has(name)) edited.commentedOnly.add(name);
  edited.text = out.join('\n');
  return edited;
}

describe.each(fixtures)('innermost function property: $file', (fixture) => {
  let repo: TempRepo;
  let baseSha: string;
  let lines: string[];
  let markers: Marker[];

  beforeAll(async () => {
    const text = await readFile(new URL(`../../fixtures/detect/${fixture.file}`, import.meta.url), 'utf8');
    lines = text.split('\n');
    markers = markersOf(lines);
    repo = await createTempRepo();
    baseSha = await repo.commit({ [fixture.path]: text }, 'base');
  });

  afterAll(async () => {
    await repo.dispose();
  });

  test('the fixture has markers in many functions', () => {
    expect(new Set(markers.map((m) => m.name)).size).toBeGreaterThanOrEqual(4);
  });

  test.for(Array.from({ length: iterationsPerFixture }, (_, i) => 1000 + i))('seed %i', async (seed) => {
    const edited = applyEdits(fixture, lines, markers, random(seed + fixture.file.length * 7919));
    await repo.commit({ [fixture.path]: edited.text }, `seed ${seed}`);
    const result = await detectChangedFunctions({ repo: repo.dir, base: baseSha });
    const context = `seed ${seed}: ${edited.description.join('; ')}`;

    const byName = new Map(result.targets.map((t) => [identity(t), t]));
    // Exactly the functions with code edits are targets: none missed, no unchanged one added.
    expect([...byName.keys()].sort(), context).toEqual([...edited.changed].sort());
    expect(result.targets.length, context).toBe(byName.size);
    // Every rewritten or inserted line belongs to exactly one target: the innermost function around it.
    for (const [line, name] of edited.codeLines) {
      const holders = result.targets.filter((t) => t.changedLines.includes(line)).map(identity);
      expect(holders, `${context}; line ${line}`).toEqual([name]);
    }
    // Targets claim no other lines than the edited ones (comments inserted into a target count as its lines).
    for (const target of result.targets) {
      for (const line of target.changedLines) {
        const owner = edited.codeLines.get(line) ?? edited.commentLines.get(line);
        expect(owner, `${context}; ${target.name} line ${line}`).toBe(identity(target));
      }
    }
    // Functions that only gained comments are reported as such and nothing else is skipped.
    expect(result.skipped.map((s) => `${s.name}: ${s.reason}`).sort(), context).toEqual(
      [...edited.commentedOnly]
        .map((name) => `${name.replace('@setter', '')}: only comments or whitespace changed`)
        .sort(),
    );
  });
});

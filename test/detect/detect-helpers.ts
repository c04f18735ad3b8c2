import { expect } from 'vitest';
import { detectChangedFunctions } from '../../src/detect/index.js';
import type { DetectOptions, DetectResult, Language, Target } from '../../src/detect/types.js';
import { createTempRepo, type FileChanges, lineRange, withLines } from './git-fixture.js';

/** Commits `base`, then `head` on top, and detects between the two in a throwaway repository. */
export async function detectBetween(
  base: FileChanges,
  head: FileChanges,
  options: Partial<DetectOptions> = {},
): Promise<DetectResult> {
  const repo = await createTempRepo();
  try {
    const baseSha = await repo.commit(base, 'base');
    await repo.commit(head, 'head');
    return await detectChangedFunctions({ repo: repo.dir, base: baseSha, ...options });
  } finally {
    await repo.dispose();
  }
}

export type ExpectedTarget = Pick<Target, 'name' | 'kind' | 'startLine' | 'endLine' | 'changedLines'> &
  Partial<Pick<Target, 'exportName' | 'async' | 'generator' | 'member' | 'wrapper'>>;

export interface ShapeCase {
  name: string;
  /** Head version of the module. */
  head: string;
  /** Base version; by default head with `changed` lines rewritten by `rewrite`. */
  base?: string;
  changed?: number[];
  expected: ExpectedTarget[];
  /** Module path; defaults to the suite's. */
  path?: string;
  language?: Language;
}

/**
 * Commits the case's base and head and checks the targets: names and ranges in order, then every expected field
 * (an absent `exportName` means not exported), the language and the exact source of the range.
 */
export async function expectShape(
  shape: ShapeCase,
  defaults: { path: string; language: Language; rewrite: (line: string, lineNumber: number) => string },
): Promise<void> {
  const path = shape.path ?? defaults.path;
  const headLines = shape.head.split('\n');
  const baseText =
    shape.base ??
    withLines(
      shape.head,
      Object.fromEntries(
        (shape.changed ?? []).map((line) => [line, defaults.rewrite(headLines[line - 1] ?? '', line)]),
      ),
    );
  const result = await detectBetween({ [path]: baseText }, { [path]: shape.head });
  expect(result.skipped).toEqual([]);
  expect(result.targets.map(({ name, startLine }) => ({ name, startLine }))).toEqual(
    shape.expected.map(({ name, startLine }) => ({ name, startLine })),
  );
  for (const [index, want] of shape.expected.entries()) {
    const target = result.targets[index];
    const { exportName, ...rest } = want;
    expect(target).toMatchObject({ ...rest, path, language: shape.language ?? defaults.language });
    expect(target?.exportName).toBe(exportName);
    expect(target?.source).toBe(lineRange(shape.head, want.startLine, want.endLine));
  }
}

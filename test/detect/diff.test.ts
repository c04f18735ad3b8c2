import { describe, expect, test } from 'vitest';
import { type ChangedFile, parseGitDiff } from '../../src/detect/diff.js';
import { diffText } from '../../src/detect/git.js';
import { createTempRepo, type FileChanges, lines } from './git-fixture.js';

async function changedFiles(base: FileChanges, head: FileChanges): Promise<ChangedFile[]> {
  const repo = await createTempRepo();
  try {
    const from = await repo.commit(base);
    const to = await repo.commit(head);
    return parseGitDiff(await diffText(repo.dir, from, to)).sort((a, b) => a.path.localeCompare(b.path));
  } finally {
    await repo.dispose();
  }
}

const ten = lines(...Array.from({ length: 10 }, (_, i) => `line ${i + 1}`));

interface DiffCase {
  name: string;
  base: FileChanges;
  head: FileChanges;
  expected: ChangedFile[];
}

describe('parseGitDiff over real git output', () => {
  test.for<DiffCase>([
    {
      name: 'added, replaced and removed lines on both sides',
      base: { 'a.txt': ten },
      head: {
        'a.txt': ten
          .replace('line 2\n', 'line two\nline two and a half\n')
          .replace('line 5\nline 6\n', '')
          .replace('line 9\n', 'line 9\nline 9b\n'),
      },
      expected: [
        {
          path: 'a.txt',
          oldPath: 'a.txt',
          status: 'modified',
          addedLines: [2, 3, 9],
          deletionPoints: [5],
          removedLines: [2, 5, 6],
        },
      ],
    },
    {
      name: 'added and deleted files',
      base: { 'gone.txt': ten },
      head: { 'gone.txt': null, 'new.txt': lines('a', 'b') },
      expected: [
        {
          path: 'gone.txt',
          oldPath: 'gone.txt',
          status: 'deleted',
          addedLines: [],
          deletionPoints: [0],
          removedLines: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        },
        {
          path: 'new.txt',
          oldPath: 'new.txt',
          status: 'added',
          addedLines: [1, 2],
          deletionPoints: [],
          removedLines: [],
        },
      ],
    },
    {
      name: 'rename with an edit, path with spaces and non-ASCII characters',
      base: { 'src/old name.txt': ten },
      head: { 'src/old name.txt': null, 'src/nouvé name.txt': ten.replace('line 10', 'line ten') },
      expected: [
        {
          path: 'src/nouvé name.txt',
          oldPath: 'src/old name.txt',
          status: 'renamed',
          addedLines: [10],
          deletionPoints: [],
          removedLines: [10],
        },
      ],
    },
    {
      name: 'binary change',
      base: { 'img.bin': new Uint8Array([0, 1, 2]) },
      head: { 'img.bin': new Uint8Array([0, 1, 3]) },
      expected: [
        {
          path: 'img.bin',
          oldPath: 'img.bin',
          status: 'binary',
          addedLines: [],
          deletionPoints: [],
          removedLines: [],
        },
      ],
    },
    {
      name: 'lines without a final newline',
      base: { 'a.txt': 'one\ntwo' },
      head: { 'a.txt': 'one\nTWO' },
      expected: [
        {
          path: 'a.txt',
          oldPath: 'a.txt',
          status: 'modified',
          addedLines: [2],
          deletionPoints: [],
          removedLines: [2],
        },
      ],
    },
    {
      name: 'a deleted line that looks like a file header',
      base: { 'a.txt': lines('keep', '-- not a header', '++ nor this', 'end') },
      head: { 'a.txt': lines('keep', 'end') },
      expected: [
        {
          path: 'a.txt',
          oldPath: 'a.txt',
          status: 'modified',
          addedLines: [],
          deletionPoints: [1],
          removedLines: [2, 3],
        },
      ],
    },
  ])('$name', async ({ base, head, expected }) => {
    expect(await changedFiles(base, head)).toEqual(expected);
  });

  test('empty diff', () => {
    expect(parseGitDiff('')).toEqual([]);
  });
});

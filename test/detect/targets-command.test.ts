import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { DetectResult } from '../../src/detect/index.js';
import { createTempRepo, lines, type TempRepo } from './git-fixture.js';

/** Runs the real CLI entry in-process, capturing what it writes to stdout and stderr. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'afterburner', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('afterburner targets', () => {
  let repo: TempRepo;
  let base: string;
  let head: string;

  beforeAll(async () => {
    repo = await createTempRepo();
    base = await repo.commit({
      'src/cache.ts': lines('export class Cache {', '  get(k: string) {', '    return k;', '  }', '}'),
      'pkg/util.py': lines('def helper(a):', '    return a'),
      'src/a.test.js': lines('test("x", () => {});'),
    });
    head = await repo.commit({
      'src/cache.ts': lines('export class Cache {', '  get(k: string) {', '    return k.trim();', '  }', '}'),
      'pkg/util.py': lines('def helper(a):', '    return a * 2', '', 'def _local():', '    return 1'),
      'src/a.test.js': lines('test("y", () => {});'),
    });
  });

  afterAll(async () => {
    await repo.dispose();
  });

  test('prints targets and skips as text', async () => {
    const result = await cli(['targets', '--repo', repo.dir, '--base', base]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      lines(
        `merge base ${base}, head ${head}`,
        'targets (3):',
        '  pkg/util.py:1-2 helper function python exported',
        '  pkg/util.py:4-5 _local function python exported',
        '  src/cache.ts:2-4 Cache.get method typescript exported',
        'skipped (1):',
        '  src/a.test.js: test file',
      ),
    );
  });

  test('--json prints the full result', async () => {
    const result = await cli(['targets', '--repo', repo.dir, '--base', base, '--head', head, '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as DetectResult;
    expect(parsed.headSha).toBe(head);
    expect(parsed.targets.map((t) => t.id)).toEqual([
      'pkg/util.py:helper',
      'pkg/util.py:_local',
      'src/cache.ts:Cache.get',
    ]);
    expect(parsed.targets[2]?.source).toBe('  get(k: string) {\n    return k.trim();\n  }');
  });

  test('.afterburner.yml at the repository root applies', async () => {
    await writeFile(join(repo.dir, '.afterburner.yml'), 'detect:\n  languages: [typescript]\n');
    try {
      const result = await cli(['targets', '--repo', join(repo.dir, 'src'), '--base', base]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('targets (1):\n  src/cache.ts:2-4 Cache.get');
      expect(result.stdout).toContain('  pkg/util.py: language not enabled (python)');
    } finally {
      await writeFile(join(repo.dir, '.afterburner.yml'), '');
    }
  });

  test('an invalid .afterburner.yml: one line naming the key, exit 2', async () => {
    await writeFile(join(repo.dir, '.afterburner.yml'), 'detect:\n  langs: [python]\n');
    try {
      const result = await cli(['targets', '--repo', repo.dir, '--base', base]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe("afterburner: .afterburner.yml: unknown key 'detect.langs'\n");
    } finally {
      await writeFile(join(repo.dir, '.afterburner.yml'), '');
    }
  });

  test('an unknown ref: one line, exit 2', async () => {
    const result = await cli(['targets', '--repo', repo.dir, '--base', 'no-such-branch']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("afterburner: unknown git ref 'no-such-branch'\n");
    expect(result.stdout).toBe('');
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTempRepo, lines, type TempRepo } from '../detect/git-fixture.js';
import { runCli } from '../helpers/cli.js';

/** "Billion laughs": nine levels of nine aliases each expand to 9⁹ strings. */
function aliasBomb(): string {
  const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let level = 1; level < 9; level++) {
    const name = String.fromCharCode(97 + level);
    const previous = String.fromCharCode(96 + level);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
  }
  return `${levels.join('\n')}\n`;
}

describe('a broken .afterburner.yml through the bundled CLI', () => {
  let repo: TempRepo;
  let base: string;

  beforeAll(async () => {
    repo = await createTempRepo();
    base = await repo.commit({ 'src/a.js': lines('export function a(x) {', '  return x;', '}') });
    await repo.commit({ 'src/a.js': lines('export function a(x) {', '  return x + 1;', '}') });
  });

  afterAll(async () => {
    await repo.dispose();
  });

  test.for([
    {
      name: 'an alias bomb',
      text: aliasBomb(),
      stderr:
        'afterburner: .afterburner.yml: invalid YAML: Excessive alias count indicates a resource exhaustion attack\n',
    },
    {
      name: 'an alias without its anchor',
      text: 'detect:\n  include: *globs\n',
      stderr:
        'afterburner: .afterburner.yml: invalid YAML: Unresolved alias (the anchor must be set before the alias): globs\n',
    },
    {
      name: 'a syntax error',
      text: 'detect: [unclosed\n',
      stderr: /^afterburner: \.afterburner\.yml: invalid YAML at line \d+: [^\n]+\n$/,
    },
  ])('$name: one line naming the file, exit 2, no stack trace', async ({ text, stderr }) => {
    await writeFile(join(repo.dir, '.afterburner.yml'), text);
    const result = await runCli(['targets', '--repo', repo.dir, '--base', base]);
    expect(result.code).toBe(2);
    if (typeof stderr === 'string') expect(result.stderr).toBe(stderr);
    else expect(result.stderr).toMatch(stderr);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});

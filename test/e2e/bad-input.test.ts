import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import type { RunReport } from '../../src/report/index.js';
import { runCli } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';

const git = promisify(execFile);

async function commitAll(dir: string, message: string): Promise<string> {
  const identity = ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid'];
  await git('git', ['-C', dir, 'add', '--all']);
  await git('git', [...identity, '-C', dir, 'commit', '--quiet', '--allow-empty', '-m', message]);
  return (await git('git', ['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim();
}

describe('bad input', () => {
  let fixture: FixtureRepo;
  let scratch: string;

  beforeAll(async () => {
    fixture = await materializeFixture('tagged-posts');
    scratch = await mkdtemp(join(tmpdir(), 'afterburner-bad-input-'));
  });

  afterAll(async () => {
    await fixture.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  it('a directory that is not a git repository: one line, exit 2', async () => {
    const result = await runCli(['review', '--repo', scratch, '--base', 'main']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([`afterburner: not a git repository: ${scratch}`]);
  });

  it('an unknown ref: one line, exit 2', async () => {
    const result = await runCli(['review', '--repo', fixture.dir, '--base', 'no-such-branch']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("afterburner: unknown git ref 'no-such-branch'");
  });

  it('a bad flag value names the flag, exit 2', async () => {
    const result = await runCli([
      'review',
      '--repo',
      fixture.dir,
      '--base',
      fixture.base,
      '--iterations',
      '0',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^afterburner: --iterations: /);
  });

  it('a missing required option is a usage error, exit 2', async () => {
    const result = await runCli(['review', '--repo', fixture.dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/required option '--base <ref>' not specified/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown command: one line, exit 2, no general help', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      "afterburner: unknown command 'frobnicate' (see --help)",
    ]);
    expect(result.stdout).toBe('');
    // A near miss of a real command is named, on the same line.
    const typo = await runCli(['evl']);
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim().split('\n')).toEqual([
      "afterburner: unknown command 'evl' (Did you mean eval?) (see --help)",
    ]);
  });

  it('documents the exit codes in --help', async () => {
    const result = await runCli(['review', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 /);
  });

  it('no changed functions: an empty report, exit 0', async () => {
    const json = join(scratch, 'empty.json');
    const result = await runCli([
      'review',
      '--repo',
      fixture.dir,
      '--base',
      fixture.head,
      '--json',
      json,
      '--out',
      join(scratch, 'e.md'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8')) as RunReport;
    expect(report.suggestions).toEqual([]);
    expect(report.functionsAnalysed).toBe(0);
  });

  it('a file with a syntax error is skipped with its line, and the run still completes', async () => {
    const base = fixture.head;
    await writeFile(join(fixture.dir, 'src', 'broken.js'), 'export function broken(a) {\n  return a +;\n}\n');
    const head = await commitAll(fixture.dir, 'add a broken file');
    const json = join(scratch, 'broken.json');
    const result = await runCli([
      'review',
      ...['--repo', fixture.dir, '--base', base, '--head', head, '--sandbox', 'process'],
      ...['--json', json, '--out', join(scratch, 'broken.md')],
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8')) as RunReport;
    const skip = report.skipped.find((s) => s.path === 'src/broken.js');
    expect(skip?.reason).toMatch(/syntax error at line 2/);
  });

  it('--include, --exclude and --max-functions narrow the review, and say what they left out', async () => {
    const narrowed = join(scratch, 'narrowed.json');
    const capped = await runCli([
      'review',
      ...['--repo', fixture.dir, '--base', fixture.base, '--head', fixture.head, '--sandbox', 'process'],
      ...['--include', 'src/**', '--max-functions', '1', '--rounds', '5', '--json', narrowed],
      ...['--out', join(scratch, 'narrowed.md')],
    ]);
    expect(capped.code, capped.stderr).toBe(0);
    const report = JSON.parse(await readFile(narrowed, 'utf8')) as RunReport;
    const over = report.skipped.filter((s) => s.reason === 'over max-functions (1)').map((s) => s.name);
    expect(over.sort()).toEqual(['indexById', 'missingIds', 'slugify']);
    expect(report.suggestions.map((s) => s.name)).toEqual(['sharedTags']);

    const excludedJson = join(scratch, 'excluded.json');
    const excluded = await runCli([
      'review',
      ...[
        '--repo',
        fixture.dir,
        '--base',
        fixture.base,
        '--head',
        fixture.head,
        '--exclude',
        'test/**,src/**',
      ],
      ...['--json', excludedJson, '--out', join(scratch, 'excluded.md')],
    ]);
    expect(excluded.code, excluded.stderr).toBe(0);
    const none = JSON.parse(await readFile(excludedJson, 'utf8')) as RunReport;
    expect(none.suggestions).toEqual([]);
    expect(none.skipped).toContainEqual(
      expect.objectContaining({ path: 'src/posts.js', reason: "excluded by pattern 'src/**'" }),
    );
  });

  it('rules only: a function no rule rewrites costs no sandbox, not even a missing image; a near miss is named', async () => {
    // Whatever earlier tests committed is in base: this review sees only the file it adds.
    const base = await commitAll(fixture.dir, 'earlier tests');
    await writeFile(
      join(fixture.dir, 'src', 'plain.js'),
      [
        'export function plus(a, b) {',
        '  return a + b;',
        '}',
        '',
        '// A shift() queue, but over a copy that may be a string: the rule must not fire, and says why.',
        'export function drain(items) {',
        '  const queue = items.slice();',
        '  let total = 0;',
        '  while (queue.length > 0) {',
        '    const next = queue.shift();',
        '    total += next;',
        '  }',
        '  return total;',
        '}',
        '',
      ].join('\n'),
    );
    const head = await commitAll(fixture.dir, 'add a function no rule rewrites');
    const json = join(scratch, 'plain.json');
    const result = await runCli([
      'review',
      ...['--repo', fixture.dir, '--base', base, '--head', head, '--provider', 'rules'],
      ...['--sandbox', 'docker', '--image', 'afterburner-no-such-image:none'],
      ...['--json', json, '--out', join(scratch, 'plain.md')],
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8')) as RunReport;
    expect(report.sandbox.description).toBe('not started (nothing to run)');
    expect(report.skipped).toContainEqual(
      expect.objectContaining({
        name: 'plus',
        stage: 'optimize',
        reason: expect.stringMatching(/^rules proposed no rewrite: .*nothing ran in the sandbox$/),
      }),
    );
    expect(report.skipped).toContainEqual(
      expect.objectContaining({
        name: 'drain',
        reason: expect.stringMatching(
          /nothing ran in the sandbox; near miss: shift-queue: `queue` starts as `items\.slice\(\)`, not a new array/,
        ),
      }),
    );
    expectGolden(
      'report-rules-near-miss.md',
      (await readFile(join(scratch, 'plain.md'), 'utf8')).replace(
        /\b[0-9a-f]{7}…[0-9a-f]{7}\b/g,
        'BASE…HEAD',
      ),
    );
  });
});

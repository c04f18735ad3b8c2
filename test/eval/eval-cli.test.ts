import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { startFakeOpenAI } from '../helpers/fake-openai.js';

const mode = (await dockerAvailable()) ? 'docker' : 'process';

const problems = [
  {
    id: 'py-max',
    language: 'python',
    statement: 'Return the largest of nums (nums is not empty).',
    entry: 'largest',
    starter: 'def largest(nums):\n    pass\n',
    tests: [
      { args: [[1, 5, 2]], expected: 5 },
      { argsCode: '[list(range(50000))]', expected: 49999 },
    ],
    references: [
      { label: 'builtin', code: 'def largest(nums):\n    return max(nums)\n' },
      { label: 'sorted copy', code: 'def largest(nums):\n    return sorted(nums)[-1]\n' },
    ],
  },
  {
    id: 'js-max',
    language: 'javascript',
    statement: 'Return the largest of nums, a non-empty array of numbers.',
    entry: 'largest',
    tests: [{ args: [[1, 5, 2]], expected: 5 }],
    references: [{ code: 'function largest(nums) {\n  return Math.max(...nums);\n}\n' }],
  },
];

describe(`afterburner eval on the command line (${mode} sandbox)`, () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eval-cli-'));
    file = join(dir, 'problems.jsonl');
    await writeFile(file, `${problems.map((p) => JSON.stringify(p)).join('\n')}\n{"id": "broken"\n`);
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const common = ['--sandbox', mode, '--image', dockerTestImage, '--python-image', dockerTestImage];

  it('writes the report and JSON; a bad line, and a model answer without code, lose nothing else', async () => {
    const model = await startFakeOpenAI((request) =>
      request.messages.some((m) => m.content.includes('Python 3'))
        ? '```python\ndef largest(nums):\n    return max(nums)\n```'
        : 'I would rather not write code today.',
    );
    try {
      const result = await runCli([
        'eval',
        '--problems',
        file,
        '--model',
        'scripted',
        '--base-url',
        model.baseUrl,
        '--iterations',
        '1',
        '--repeats',
        '1',
        '--out',
        join(dir, 'report.md'),
        '--json',
        join(dir, 'report.json'),
        ...common,
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/line 3: not JSON .*; left out/);
      const markdown = await readFile(join(dir, 'report.md'), 'utf8');
      expect(markdown).toContain('| iteration | pass@1 | Beyond-T | Beyond-M | Beyond-I |');
      expect(markdown).toMatch(/^\| 1 \| 50\.0% \|/m);
      expect(markdown).toContain('xychart-beta');
      const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
      expect(json.problems.map((p: { id: string }) => p.id)).toEqual(['py-max', 'js-max']);
      expect(json.problems[1].steps[0].candidate.failure).toBe('the answer holds no code block');
      expect(json.problems[0].steps[0].current.passed).toBe(true);
      expect(json.problems[0].references).toHaveLength(2);
      expect(json.problemErrors).toHaveLength(1);
    } finally {
      await model.close();
    }
  });

  it('refuses what it cannot run with exit code 2 and the reason', async () => {
    const missing = await runCli([
      'eval',
      '--problems',
      join(dir, 'nope.jsonl'),
      '--model',
      'm',
      '--base-url',
      'http://127.0.0.1:9/v1',
      ...common,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read --problems .*nope\.jsonl/);
    const rules = await runCli(['eval', '--problems', file, '--provider', 'rules', ...common]);
    expect(rules.code).toBe(2);
    expect(rules.stderr).toMatch(/--provider: /);
    const iterations = await runCli([
      'eval',
      '--problems',
      file,
      '--model',
      'm',
      '--iterations',
      'many',
      ...common,
    ]);
    expect(iterations.code).toBe(2);
    expect(iterations.stderr).toMatch(/--iterations: /);
  });
});

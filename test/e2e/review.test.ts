import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import type { RunReport } from '../../src/report/index.js';
import { runCli } from '../helpers/cli.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { type ChatRequest, type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';

const fasterSharedTags = `export function sharedTags(posts, featured) {
  const featuredSet = new Set(featured);
  const seen = new Set();
  const result = [];
  for (const post of posts) {
    for (const tag of post.tags) {
      if (featuredSet.has(tag) && !seen.has(tag)) {
        seen.add(tag);
        result.push(tag);
      }
    }
  }
  return result;
}`;

/** Each changed function of the fixture gets a different kind of answer from the fake model. */
function modelAnswer(request: ChatRequest): string | { status: number; body: unknown } {
  const prompt = request.messages.map((m) => m.content).join('\n');
  if (prompt.includes('`sharedTags`'))
    return `Use Sets for membership.\n\`\`\`javascript\n${fasterSharedTags}\n\`\`\``;
  if (prompt.includes('`indexById`'))
    return '```javascript\nexport const indexById = (records) => ({});\n```';
  if (prompt.includes('`missingIds`')) return 'Sorry, I cannot help with that request.';
  return {
    status: 400,
    body: { error: { message: 'context length exceeded', type: 'invalid_request_error' } },
  };
}

/** Lines a suggestion block replaces, and the code in it, read back from the Markdown as GitHub would. */
function suggestionsIn(markdown: string): { start: number; end: number; code: string }[] {
  const pattern = /Replaces lines? (\d+)(?:–(\d+))?:\n\n(`{3,})suggestion\n([\s\S]*?)\n\3\n/g;
  return [...markdown.matchAll(pattern)].map((m) => ({
    start: Number(m[1]),
    end: Number(m[2] ?? m[1]),
    code: m[4] as string,
  }));
}

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

describe.each(modes)('afterburner review with a model, %s sandbox', (mode) => {
  let fixture: FixtureRepo;
  let model: FakeOpenAI;
  let report: RunReport;
  let markdown: string;
  let exitCode: number;
  let stderr: string;

  beforeAll(async () => {
    fixture = await materializeFixture('tagged-posts');
    model = await startFakeOpenAI(modelAnswer);
    const out = join(fixture.dir, '..', `${mode}-report.md`);
    const json = join(fixture.dir, '..', `${mode}-report.json`);
    const result = await runCli([
      'review',
      ...['--repo', fixture.dir, '--base', fixture.base, '--head', fixture.head],
      ...[
        '--base-url',
        model.baseUrl,
        '--model',
        'fake-coder',
        '--sandbox',
        mode,
        '--image',
        dockerTestImage,
      ],
      ...['--rounds', '12', '--out', out, '--json', json, '--rules', 'off'],
    ]);
    exitCode = result.code;
    stderr = result.stderr;
    markdown = await readFile(out, 'utf8').catch(() => '');
    report = JSON.parse(await readFile(json, 'utf8').catch(() => '{}')) as RunReport;
  });

  afterAll(async () => {
    await model?.close();
    await fixture?.dispose();
  });

  it('completes and uses the requested sandbox', () => {
    expect(exitCode, stderr).toBe(0);
    expect(report.sandbox.kind).toBe(mode);
    expect(report.sandbox.isolated).toBe(mode === 'docker');
  });

  it('suggests the faster, correct candidate with a benchmark table', () => {
    expect(report.suggestions.map((s) => s.name)).toEqual(['sharedTags']);
    const [suggestion] = report.suggestions;
    expect(suggestion?.replacement).toBe(fasterSharedTags);
    expect(suggestion?.benchmark.verdict).toBe('faster');
    expect(suggestion?.benchmark.estimate.low).toBeGreaterThanOrEqual(1.1);
    expect(suggestion?.tests.passed).toBe(true);
    expect(markdown).toMatch(
      /\| tests' own inputs: time per pass .* \| .* \| .* \| .* \| \d+\.\d\d× faster \| 95% CI /,
    );
  });

  it('rejects the candidate that breaks the tests, with the reason', () => {
    const skip = report.skipped.find((s) => s.name === 'indexById');
    expect(skip?.reason).toMatch(/no candidate was verified faster.*tests failed/);
  });

  it('rejects a garbage answer with a clear reason and goes on with the other functions', () => {
    expect(report.skipped.find((s) => s.name === 'missingIds')?.reason).toMatch(
      /format error: the answer holds no JavaScript code block/,
    );
    expect(report.skipped.find((s) => s.name === 'slugify')?.reason).toMatch(/provider error: 400/);
  });

  it('sent the prompt with the function, the instruction and the output format', () => {
    const first = model.requests.find((r) => r.messages.some((m) => m.content.includes('`sharedTags`')));
    expect(first?.model).toBe('fake-coder');
    const prompt = first?.messages.at(-1)?.content ?? '';
    expect(prompt).toContain('featured.includes(tag)');
    expect(prompt).toMatch(/Passed: yes \| Time: .* \| Memory: .* \| Integral: /);
    expect(prompt).toContain('## Output format');
  });

  it('writes a suggestion block that, applied to the head file, reproduces the candidate exactly', async () => {
    const blocks = suggestionsIn(markdown);
    expect(blocks).toHaveLength(1);
    const [block] = blocks;
    const headText = await readFile(join(fixture.dir, 'src/posts.js'), 'utf8');
    const lines = headText.split('\n');
    const applied = [
      ...lines.slice(0, (block?.start ?? 0) - 1),
      block?.code,
      ...lines.slice(block?.end),
    ].join('\n');
    expect(block?.code).toBe(fasterSharedTags);
    const original = report.suggestions[0]?.original ?? '';
    expect(headText).toContain(original);
    expect(applied).toBe(headText.replace(original, fasterSharedTags));
  });
});

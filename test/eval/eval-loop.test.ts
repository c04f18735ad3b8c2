import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EvalResult,
  evaluate,
  type MeasuredReference,
  measureReferences,
} from '../../src/eval/eval-loop.js';
import { type Problem, parseProblems } from '../../src/eval/problems.js';
import type { ExecutableLanguage } from '../../src/execute/execute-code.js';
import { createModelProvider } from '../../src/providers/create-provider.js';
import { createSandbox } from '../../src/sandbox/create-sandbox.js';
import type { Sandbox, Workspace } from '../../src/sandbox/types.js';
import { repoRoot } from '../helpers/cli.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { type ChatRequest, startFakeOpenAI } from '../helpers/fake-openai.js';

const mode = (await dockerAvailable()) ? 'docker' : 'process';
const measure = { repeats: 1, timeoutMs: 30_000 };

/** Two problems of each language from the bundled set: enough to tell models apart, cheap enough for CI. */
async function bundledSubset(): Promise<Problem[]> {
  const { problems, errors } = parseProblems(
    await readFile(join(repoRoot, 'eval', 'problems.jsonl'), 'utf8'),
  );
  expect(errors).toEqual([]);
  const pick = (language: ExecutableLanguage) => problems.filter((p) => p.language === language).slice(0, 2);
  return [...pick('python'), ...pick('javascript')];
}

describe(`afterburner eval's loop with scripted models on the bundled problems (${mode} sandbox)`, () => {
  let sandbox: Sandbox;
  let empty: string;
  let problems: Problem[];
  const references = new Map<string, MeasuredReference[]>();
  const workspaces = new Map<ExecutableLanguage, Workspace>();

  beforeAll(async () => {
    sandbox = await createSandbox({ mode, image: dockerTestImage, runId: 'eval-loop-test' });
    empty = await mkdtemp(join(tmpdir(), 'eval-loop-'));
    for (const language of ['python', 'javascript'] as const)
      workspaces.set(language, await sandbox.open({ sourceDir: empty, language }));
    problems = await bundledSubset();
    for (const problem of problems)
      references.set(
        problem.id,
        await measureReferences(problem, workspaces.get(problem.language) as Workspace, measure),
      );
  });

  afterAll(async () => {
    await sandbox?.close();
    if (empty) await rm(empty, { recursive: true, force: true });
  });

  /** A loopback model that answers every prompt about a problem with `pick(problem)` in a fenced block. */
  async function run(pick: (problem: Problem) => string): Promise<EvalResult> {
    const problemOf = (request: ChatRequest) =>
      problems.find((p) => request.messages.some((m) => m.content.includes(p.statement))) as Problem;
    const model = await startFakeOpenAI((request) => {
      const problem = problemOf(request);
      return `Here it is.\n\n\`\`\`${problem.language}\n${pick(problem)}\n\`\`\`\n`;
    });
    try {
      const provider = createModelProvider({
        provider: 'openai',
        model: 'scripted',
        baseUrl: model.baseUrl,
        maxRetries: 0,
      });
      return await evaluate(problems, {
        provider,
        iterations: 1,
        objective: 'time',
        measure,
        references,
        workspaceFor: async (language) => workspaces.get(language) as Workspace,
      });
    } finally {
      await model.close();
    }
  }

  const byTime = (problem: Problem) => {
    const measured = references.get(problem.id) ?? [];
    return problem.references
      .map((r, i) => ({ code: r.code, cpuMs: measured[i]?.metrics?.cpuMs ?? Number.POSITIVE_INFINITY }))
      .sort((a, b) => a.cpuMs - b.cpuMs);
  };

  it('measures every reference of the bundled problems as passing its own tests', () => {
    for (const [id, measured] of references) {
      expect(
        measured.filter((r) => r.failure),
        id,
      ).toEqual([]);
      expect(measured.length, id).toBeGreaterThanOrEqual(5);
    }
  });

  it('scores a model that answers the fastest reference above one that answers the slowest on Beyond-T', async () => {
    const fast = await run((p) => byTime(p)[0]?.code as string);
    const slow = await run((p) => byTime(p).at(-1)?.code as string);
    for (const result of [fast, slow]) {
      expect(result.perIteration).toHaveLength(2);
      expect(result.perIteration.at(-1)?.pass).toBe(1);
      for (const score of result.perIteration)
        for (const metric of ['pass', 'beyondT', 'beyondM', 'beyondI'] as const)
          expect(score[metric]).toBeGreaterThanOrEqual(0);
    }
    const fastT = fast.perIteration.at(-1)?.beyondT as number;
    const slowT = slow.perIteration.at(-1)?.beyondT as number;
    expect(fastT).toBeGreaterThan(slowT + 0.3);
    expect(fast.usage.outputTokens).toBeGreaterThan(0);
  });

  it('scores a wrong model lower on pass@1, with every Beyond at 0, and says why each answer failed', async () => {
    const wrong = await run((p) => p.starter ?? '');
    const last = wrong.perIteration.at(-1);
    expect(last).toEqual({ pass: 0, beyondT: 0, beyondM: 0, beyondI: 0 });
    for (const problem of wrong.problems) expect(problem.steps[0]?.candidate.failure).toMatch(/^test 1/);
  });
});

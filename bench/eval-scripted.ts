/**
 * `npm run bench:eval`: `afterburner eval`'s loop on the bundled problem set (eval/problems.jsonl) with three
 * scripted loopback models — one answering each problem's fastest reference, one its slowest, one the starter
 * code (wrong) — sharing one measurement of the references. Prints each model's pass@1 and Beyond-T/M/I per
 * iteration and the run's time.
 *
 * Environment: EVAL_MODE=docker|process (default docker), EVAL_REPEATS (default 3), EVAL_ITERATIONS (default 1),
 * AFTERBURNER_IMAGE (default afterburner-sandbox:bookworm), EVAL_ONLY=id,id.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, type MeasuredReference, measureReferences } from '../src/eval/eval-loop.js';
import { type Problem, parseProblems } from '../src/eval/problems.js';
import type { Score } from '../src/eval/scores.js';
import type { ExecutableLanguage } from '../src/execute/execute-code.js';
import { createModelProvider } from '../src/providers/create-provider.js';
import { createSandbox } from '../src/sandbox/create-sandbox.js';
import type { Workspace } from '../src/sandbox/types.js';
import { startFakeOpenAI } from '../test/helpers/fake-openai.js';

const mode = (process.env.EVAL_MODE ?? 'docker') as 'docker' | 'process';
const measure = { repeats: Number(process.env.EVAL_REPEATS ?? 3), timeoutMs: 60_000 };
const iterations = Number(process.env.EVAL_ITERATIONS ?? 1);
const image = process.env.AFTERBURNER_IMAGE ?? 'afterburner-sandbox:bookworm';
const only = process.env.EVAL_ONLY?.split(',');

const started = performance.now();
const { problems: all } = parseProblems(
  await readFile(new URL('../eval/problems.jsonl', import.meta.url), 'utf8'),
);
const problems = only ? all.filter((p) => only.includes(p.id)) : all;
const sandbox = await createSandbox({ mode, image, runId: 'bench-eval' });
const empty = await mkdtemp(join(tmpdir(), 'bench-eval-'));
const workspaces = new Map<ExecutableLanguage, Workspace>();
for (const language of ['python', 'javascript'] as const)
  workspaces.set(language, await sandbox.open({ sourceDir: empty, language }));
const references = new Map<string, MeasuredReference[]>();
for (const problem of problems)
  references.set(
    problem.id,
    await measureReferences(problem, workspaces.get(problem.language) as Workspace, measure),
  );
const referenceSeconds = (performance.now() - started) / 1000;

const byTime = (problem: Problem) =>
  problem.references
    .map((r, i) => ({
      code: r.code,
      cpuMs: references.get(problem.id)?.[i]?.metrics?.cpuMs ?? Number.POSITIVE_INFINITY,
    }))
    .sort((a, b) => a.cpuMs - b.cpuMs);
const models: Record<string, (p: Problem) => string> = {
  'fastest reference': (p) => byTime(p)[0]?.code ?? '',
  'slowest reference': (p) => byTime(p).at(-1)?.code ?? '',
  'starter (wrong)': (p) => p.starter ?? '',
};

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const row = (s: Score) =>
  `${percent(s.pass)} | ${percent(s.beyondT)} | ${percent(s.beyondM)} | ${percent(s.beyondI)}`;
console.log(
  `bench:eval — ${problems.length} problems, ${sandbox.description}, ${measure.repeats} run${measure.repeats === 1 ? '' : 's'} per solution`,
);
console.log(`references measured in ${referenceSeconds.toFixed(0)} s`);
console.log(
  '\n| model | iteration | pass@1 | Beyond-T | Beyond-M | Beyond-I |\n| --- | --- | --- | --- | --- | --- |',
);
for (const [name, pick] of Object.entries(models)) {
  const model = await startFakeOpenAI((request) => {
    const problem = problems.find((p) =>
      request.messages.some((m) => m.content.includes(p.statement)),
    ) as Problem;
    return `\`\`\`${problem.language}\n${pick(problem)}\n\`\`\``;
  });
  const provider = createModelProvider({
    provider: 'openai',
    model: name,
    baseUrl: model.baseUrl,
    maxRetries: 0,
  });
  const result = await evaluate(problems, {
    provider,
    iterations,
    objective: 'time',
    measure,
    references,
    workspaceFor: async (language) => workspaces.get(language) as Workspace,
  });
  await model.close();
  result.perIteration.forEach((s, i) => console.log(`| ${name} | ${i} | ${row(s)} |`));
}
await sandbox.close();
await rm(empty, { recursive: true, force: true });
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);

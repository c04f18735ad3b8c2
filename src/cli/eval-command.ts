import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { AfterburnerError } from '../errors.js';
import { evaluate } from '../eval/eval-loop.js';
import { parseProblems } from '../eval/problems.js';
import type { ExecutableLanguage } from '../execute/execute-code.js';
import { apiKeyFromEnv, createModelProvider, providerNames } from '../providers/create-provider.js';
import { evalJson, evalMarkdown } from '../report/eval-report.js';
import { createSandbox } from '../sandbox/create-sandbox.js';
import type { Workspace } from '../sandbox/types.js';
import { programImages } from './program-sandbox.js';
import type { CommandIO } from './review-command.js';

const flagsSchema = z.object({
  problems: z.string().min(1),
  provider: z.enum(providerNames).exclude(['rules']),
  model: z.string().optional(),
  baseUrl: z.string().url().optional(),
  iterations: z.coerce.number().int().min(0).max(50),
  instruction: z.enum(['time', 'memory', 'integral']),
  repeats: z.coerce.number().int().min(1).max(20),
  timeout: z.coerce.number().positive().max(600),
  only: z.string().optional(),
  sandbox: z.enum(['auto', 'docker', 'process']),
  image: z.string().min(1).optional(),
  pythonImage: z.string().min(1).optional(),
  out: z.string().optional(),
  json: z.string().optional(),
});

export type EvalFlags = z.input<typeof flagsSchema>;

function parseFlags(flags: EvalFlags) {
  const parsed = flagsSchema.safeParse(flags);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  throw new AfterburnerError('usage', `--${name}: ${issue?.message}`);
}

/** `afterburner eval`: the paper's metrics for a model on a problem set; returns the final pass@1. */
export async function evalCommand(raw: EvalFlags, io: CommandIO): Promise<number> {
  const flags = parseFlags(raw);
  const file = resolve(io.cwd, flags.problems);
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new AfterburnerError('usage', `cannot read --problems ${file}: ${error.message}`);
  });
  const set = parseProblems(text);
  const only = flags.only ? new Set(flags.only.split(',').map((id) => id.trim())) : undefined;
  const problems = only ? set.problems.filter((p) => only.has(p.id)) : set.problems;
  for (const error of set.errors) io.progress.notice(`${flags.problems} ${error}; left out`);
  if (problems.length === 0) throw new AfterburnerError('usage', `no problem to evaluate in ${file}`);

  const provider = createModelProvider({
    provider: flags.provider,
    model: flags.model,
    baseUrl: flags.baseUrl,
    apiKey: apiKeyFromEnv(io.env, flags.provider),
  });
  const { images, required } = programImages(flags, io.env, [...new Set(problems.map((p) => p.language))]);
  const sandbox = await createSandbox({
    mode: flags.sandbox,
    image: images.javascript,
    images,
    required,
    runId: `eval-${process.pid}`,
    onNotice: io.progress.notice,
  });
  io.progress.notice(`Sandbox: ${sandbox.description}`);
  if (!sandbox.isolated)
    io.progress.notice(
      "The process sandbox is NOT isolated: the model's programs run with your privileges, network and files.",
    );
  const empty = await mkdtemp(join(tmpdir(), 'afterburner-eval-'));
  const workspaces = new Map<ExecutableLanguage, Promise<Workspace>>();
  try {
    const result = await evaluate(problems, {
      provider,
      iterations: flags.iterations,
      objective: flags.instruction,
      measure: { repeats: flags.repeats, timeoutMs: flags.timeout * 1000 },
      workspaceFor: (language) => {
        if (!workspaces.has(language))
          workspaces.set(language, sandbox.open({ sourceDir: empty, language, labels: { eval: language } }));
        return workspaces.get(language) as Promise<Workspace>;
      },
      onProgress: io.progress.notice,
    });
    const context = { sandbox: sandbox.description, repeats: flags.repeats, problemErrors: set.errors };
    const markdown = evalMarkdown(result, context);
    if (flags.out) await writeFile(resolve(io.cwd, flags.out), markdown);
    else io.stdout(markdown);
    if (flags.json) await writeFile(resolve(io.cwd, flags.json), evalJson(result, context));
    return result.perIteration.at(-1)?.pass ?? 0;
  } finally {
    await sandbox.close();
    await rm(empty, { recursive: true, force: true });
  }
}

export const evalDefaults = {
  provider: 'openai',
  iterations: '3',
  instruction: 'time',
  repeats: '3',
  timeout: '30',
};

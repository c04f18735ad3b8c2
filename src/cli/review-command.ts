import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { userStateRoot } from '../cache/index.js';
import { parseReviewFlags, type RawReviewFlags } from '../config/review-flags.js';
import type { DetectResult } from '../detect/types.js';
import type { ProgressListener } from '../progress.js';
import { apiKeyFromEnv } from '../providers/create-provider.js';
import { redact } from '../redact.js';
import { type RunReport, renderJsonReport, renderMarkdownReport } from '../report/index.js';
import { NothingCheckedError, runReview } from '../run.js';

export interface CommandIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (text: string) => void;
  progress: ProgressListener;
}

async function writeOut(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, redact(text));
}

/** `afterburner review`: returns the report; writes it to --out/--json, or Markdown to stdout without --out. */
export async function reviewCommand(
  raw: RawReviewFlags,
  io: CommandIO,
  /** Targets chosen by the caller (`optimize FILE:FUNCTION`) instead of the diff. */
  detection?: DetectResult,
): Promise<RunReport> {
  const flags = parseReviewFlags(raw, io.env);
  const write = async (report: RunReport) => {
    const markdown = renderMarkdownReport(report);
    if (flags.out) await writeOut(resolve(io.cwd, flags.out), markdown);
    else io.stdout(markdown);
    if (flags.json) await writeOut(resolve(io.cwd, flags.json), renderJsonReport(report));
  };
  const report = await runReview({
    repo: resolve(io.cwd, flags.repo),
    base: flags.base,
    head: flags.head,
    provider: flags.provider,
    model: flags.model,
    baseUrl: flags.baseUrl,
    apiKey: apiKeyFromEnv(io.env, flags.provider),
    iterations: flags.iterations,
    candidates: flags.candidates,
    minSpeedup: flags.minSpeedup,
    rounds: flags.rounds,
    scale: flags.scale,
    repoBenchSeconds: flags.repoBenchSeconds,
    sandbox: flags.sandbox,
    image: flags.image,
    pythonImage: flags.pythonImage,
    testCommand: flags.testCommand,
    setupCommand: flags.setupCommand,
    instruction: flags.instruction,
    rules: flags.rules,
    budget: flags.budget,
    price: flags.price,
    stateDir: flags.cacheDir ? resolve(io.cwd, flags.cacheDir) : userStateRoot(io.env),
    cacheDir: flags.cache ? undefined : false,
    requestTimeoutMs: flags.requestTimeoutMs,
    modelTimeMs: flags.modelTimeMs,
    concurrency: flags.concurrency,
    sampling: flags.sampling,
    detection,
    // A flag that is absent leaves `.afterburner.yml`'s globs in force.
    paths: {
      ...(flags.include ? { include: flags.include } : {}),
      ...(flags.exclude ? { exclude: flags.exclude } : {}),
    },
    maxFunctions: flags.maxFunctions,
    progress: io.progress,
  }).catch(async (error: unknown) => {
    // The report says which functions were not checked and why; the exit code says the run checked nothing.
    if (error instanceof NothingCheckedError) await write(error.report);
    throw error;
  });
  await write(report);
  return report;
}

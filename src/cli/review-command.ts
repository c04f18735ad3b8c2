import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { userStateRoot } from '../cache/index.js';
import { loadRunFiles } from '../config/file-config.js';
import { pipelineOptions } from '../config/pipeline-options.js';
import { type RunConfig, resolveRunConfig } from '../config/run-config.js';
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

/** What a command is pointed at, and the settings given on its command line (by setting name). */
export interface ReviewRequest {
  repo?: string;
  base: string;
  head?: string;
  out?: string;
  json?: string;
  settings?: ReadonlyMap<string, unknown>;
}

async function writeOut(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, redact(text));
}

/** `afterburner review`: returns the report; writes it to --out/--json, or Markdown to stdout without --out. */
export async function reviewCommand(
  request: ReviewRequest,
  io: CommandIO,
  /** Chooses the targets instead of the diff (`optimize FILE:FUNCTION`, `sweep`), given the resolved settings. */
  select?: (config: RunConfig, repo: string) => Promise<DetectResult>,
): Promise<RunReport> {
  const repo = resolve(io.cwd, request.repo ?? '.');
  // A review's base decides how code runs; one commit (optimize, sweep) is trusted as a whole.
  const reviewsChange = request.head === undefined || request.head !== request.base;
  const files = await loadRunFiles(repo, reviewsChange ? request.base : undefined);
  const { config, ignored } = resolveRunConfig({
    surface: 'cli',
    explicit: request.settings,
    env: io.env,
    ...files,
  });
  const write = async (report: RunReport) => {
    const markdown = renderMarkdownReport(report);
    if (request.out) await writeOut(resolve(io.cwd, request.out), markdown);
    else io.stdout(markdown);
    if (request.json) await writeOut(resolve(io.cwd, request.json), renderJsonReport(report));
  };
  const { cacheDir } = config.optimize;
  const report = await runReview({
    ...pipelineOptions(config),
    repo,
    base: request.base,
    head: request.head,
    apiKey: apiKeyFromEnv(io.env, config.optimize.provider),
    stateDir: cacheDir ? resolve(io.cwd, cacheDir) : userStateRoot(io.env),
    cacheDir: config.optimize.cache ? undefined : false,
    ...(select ? { detection: await select(config, repo) } : {}),
    configNotices: ignored,
    progress: io.progress,
  }).catch(async (error: unknown) => {
    // The report says which functions were not checked and why; the exit code says the run checked nothing.
    if (error instanceof NothingCheckedError) await write(error.report);
    throw error;
  });
  await write(report);
  return report;
}

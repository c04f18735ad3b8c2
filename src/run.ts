import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveStatePaths } from './cache/index.js';
import { defaults } from './config/defaults.js';
import { imageFor, type RunConfig } from './config/run-config.js';
import { languageNames } from './config/settings.js';
import { testFileReason } from './detect/file-filters.js';
import { declaresPackages, describeHeadDependencies } from './detect/head-dependencies.js';
import { headTree } from './detect/head-tree.js';
import { detectChangedFunctions } from './detect/index.js';
import { repositoryIdentity } from './detect/repository-identity.js';
import type { DetectFilterOptions, DetectResult, Target } from './detect/types.js';
import { AfterburnerError } from './errors.js';
import { pluginFor } from './languages/index.js';
import { reasonOneLine } from './optimize/candidate-evidence.js';
import { allowedSideEffects } from './optimize/capabilities.js';
import { bestPerIteration, evidenceOf } from './optimize/loop.js';
import { OptimizeSession, type OptimizeSettings } from './optimize/session.js';
import { type ProgressListener, silentProgress } from './progress.js';
import type { ProviderName } from './providers/create-provider.js';
import {
  changeText,
  type RunReport,
  type SkipReport,
  type SuggestionReport,
  sandboxNotStarted,
} from './report/index.js';
import { createSandbox } from './sandbox/create-sandbox.js';
import type { RequiredImage } from './sandbox/docker-sandbox.js';
import { RunDir, reapRunDirs } from './sandbox/run-dir.js';
import { SetupFailedError } from './sandbox/setup-error.js';
import type { Sandbox, SandboxMode } from './sandbox/types.js';
import { filterTargets } from './sweep/select-targets.js';
import { version } from './version.js';

export interface ReviewOptions extends Omit<OptimizeSettings, 'provider'> {
  repo: string;
  base: string;
  head?: string;
  provider: ProviderName;
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  iterations: number;
  candidates: number;
  /** 0.1 = a candidate must be at least 10% faster, with confidence. */
  minSpeedup: number;
  sandbox: SandboxMode;
  /** Set where untrusted code must not run unisolated: 'auto' then fails instead of using processes. */
  refuseProcessFallback?: string;
  /** The sandbox section's images: `image`, `pythonImage` and per-language `images` (see imageFor). */
  images: Pick<RunConfig['sandbox'], 'image' | 'pythonImage' | 'images'>;
  testCommand?: string;
  /** Whose names a missing image's message gives for the setting: the CLI's flags (default) or the Action's inputs. */
  imageSettings?: 'cli' | 'action';
  /** Installs dependencies once, with network, before anything untrusted runs (e.g. `npm ci`). */
  setupCommand?: string;
  /**
   * Who is reviewed (e.g. `https://github.com/owner/name`), so that setup snapshots are never shared between
   * repositories; default: the `origin` remote, else the work tree's path.
   */
  repository?: string;
  /** Timed rounds per candidate. */
  rounds?: number;
  /** Also check and time on inputs grown from the recorded calls (defaults.scaleFactors). */
  scale?: boolean;
  /** Per candidate, for the repository's own benchmarks that reach the function; 0 skips them (default 240). */
  repoBenchSeconds?: number;
  /** `instructions`: compare instruction counts (callgrind) on the tests' own calls instead of wall time. */
  measure?: 'time' | 'instructions';
  progress?: ProgressListener;
  /** Targets the caller already chose (sweeps, filtered reviews); when set, base/head are not diffed. */
  detection?: DetectResult;
  /** The detect section: which files and functions of the diff are looked at. */
  detect?: DetectFilterOptions;
  /** Lines about the configuration itself (a setting the head's file could not change), for the report. */
  configNotices?: string[];
  /** At most this many targets, the first in path order; the rest are listed as skipped. */
  maxFunctions?: number;
}

interface TargetOutcome {
  suggestion?: SuggestionReport;
  skip?: SkipReport;
  usage: { inputTokens: number; outputTokens: number };
}

// Files whose content decides whether an earlier setup snapshot can be reused: lockfiles, and the manifests whose
// install scripts the setup runs.
const setupLockfiles = [
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'requirements.txt',
  'poetry.lock',
  'pyproject.toml',
  'setup.py',
  'setup.cfg',
];

/** Thrown when a setup failure left nothing checked; carries the report (its notices say why) to be written. */
export class NothingCheckedError extends AfterburnerError {
  constructor(
    message: string,
    readonly report: RunReport,
  ) {
    super('setup-failed', message);
  }
}

function skipOf(target: Target, stage: SkipReport['stage'], reason: string): SkipReport {
  return { path: target.path, name: target.name, startLine: target.startLine, stage, reason };
}

async function optimizeOne(
  target: Target,
  context: {
    options: ReviewOptions;
    session: OptimizeSession;
    sandbox: Sandbox;
    headDir: string;
    runId: string;
    notice: (line: string) => void;
  },
): Promise<TargetOutcome> {
  const { options, session, sandbox, headDir, runId } = context;
  const progress = options.progress ?? silentProgress;
  const usage = { inputTokens: 0, outputTokens: 0 };
  progress.target(target, 'copying the repository into the sandbox');
  const workspace = await sandbox.open({
    sourceDir: headDir,
    labels: { 'afterburner.run': runId, 'afterburner.target': target.id },
    language: target.language,
    setup: options.setupCommand
      ? { command: ['sh', '-c', options.setupCommand], lockfiles: setupLockfiles }
      : undefined,
    onNotice: context.notice,
  });
  try {
    const fileText = await readFile(join(headDir, target.path), 'utf8');
    const common = {
      workspace,
      target,
      fileText,
      sourceDir: headDir,
      minSpeedup: options.minSpeedup,
      rounds: options.rounds,
      instruction: options.instruction,
      measure: options.measure,
      scaleFactors: options.scale ? defaults.scaleFactors : [],
      repoBenchBudgetMs: (options.repoBenchSeconds ?? defaults.repoBenchSeconds) * 1000,
      // The tripwire lets a candidate do what the original's own code visibly does, nothing more.
      allowedSideEffects: await allowedSideEffects(target.source, target.language, {
        context: target.context,
      }),
    };
    const harness = await pluginFor(target.language).createHarness(common, {
      headDir,
      testCommand: options.testCommand,
    });
    progress.target(target, 'running the tests and benchmark on the original');
    const preparation = await harness.prepare();
    if (!preparation.ok) return { skip: skipOf(target, 'prepare', preparation.reason), usage };

    const result = await session.optimize({
      target,
      evaluator: harness,
      projectDir: headDir,
      evidence: preparation.evidence,
      workload: options.scale ? harness : undefined,
      onAttempt: (a) =>
        progress.target(
          target,
          `iteration ${a.iteration}, candidate ${a.candidate} (${a.source}): ${reasonOneLine(a)}`,
        ),
    });
    const candidates = result.attempts.map(evidenceOf);
    if (result.workload && result.workload.kept.length === 0) {
      const why = result.workload.notes.slice(0, 2).join('; ') || 'none of its inputs was kept';
      context.notice(`\`${target.name}\`: timed without model-generated inputs: ${why}`);
    }
    if (!result.best) {
      const skip = skipOf(target, 'optimize', result.outcome);
      return { skip: candidates.length > 0 ? { ...skip, candidates } : skip, usage: result.usage };
    }
    const { evaluation } = result.best;
    const suggestion: SuggestionReport = {
      path: target.path,
      name: target.name,
      language: target.language,
      startLine: target.startLine,
      endLine: target.endLine,
      original: evaluation.edits.function.original,
      replacement: evaluation.edits.function.replacement,
      importEdit: evaluation.edits.imports,
      benchmark: evaluation.benchmark,
      tests: evaluation.tests,
      differentialCalls: evaluation.differentialCalls,
      iteration: result.best.iteration,
      history: bestPerIteration(result.attempts),
      source: result.best.producedBy,
      candidates,
    };
    return { suggestion, usage: result.usage };
  } finally {
    await workspace.dispose();
  }
}

/** The images the targets' languages need, and only those: a Python-only review never needs the Node image. */
function requiredImages(options: ReviewOptions, targets: Target[]): RequiredImage[] {
  const required: RequiredImage[] = [];
  for (const language of new Set(targets.map((t) => t.language))) {
    const image = imageFor(options.images, language);
    if (required.some((r) => r.image === image)) continue;
    const plugin = pluginFor(language);
    const setting = options.imageSettings === 'action' ? plugin.image.actionSetting : plugin.image.cliSetting;
    required.push({ image, use: plugin.image.use, setting });
  }
  return required;
}

/**
 * The review pipeline: detect changed functions, optimize each in the sandbox, return the report. Temporary
 * files live in one run directory, removed at the end (or by a later run's reaper, if this one is killed).
 */
export async function runReview(options: ReviewOptions): Promise<RunReport> {
  await reapRunDirs().catch(() => 0);
  const runId = randomUUID();
  const runDir = await RunDir.create(runId);
  try {
    return await reviewIn(options, runId, runDir);
  } finally {
    await runDir.dispose();
  }
}

async function reviewIn(options: ReviewOptions, runId: string, runDir: RunDir): Promise<RunReport> {
  const progress = options.progress ?? silentProgress;
  // First, so that a state directory inside the repository is refused before anything runs.
  const state = await resolveStatePaths(options);
  const detected =
    options.detection ??
    (await detectChangedFunctions({
      repo: options.repo,
      base: options.base,
      head: options.head,
      ...options.detect,
    }));
  const detection =
    options.maxFunctions === undefined
      ? detected
      : filterTargets(detected, { include: [], exclude: [], maxFunctions: options.maxFunctions });
  const session = new OptimizeSession({ ...options, runId, state });
  const { provider } = session;
  const report: RunReport = {
    schemaVersion: 1,
    tool: { name: 'afterburner', version },
    base: options.base,
    head: options.head ?? 'HEAD',
    mergeBase: detection.mergeBase,
    headSha: detection.headSha,
    sandbox: { ...sandboxNotStarted },
    provider: { name: provider.name, model: provider.model },
    settings: {
      iterations: options.iterations,
      candidates: options.candidates,
      minSpeedup: options.minSpeedup,
    },
    functionsAnalysed: detection.targets.length + detection.skipped.filter((s) => s.name).length,
    suggestions: [],
    // A changed test file is not a function left unoptimized; listing it would bury the ones that are.
    skipped: detection.skipped
      .filter((s) => s.reason !== testFileReason)
      .map((s) => ({ ...s, stage: 'detect' as const })),
    usage: { inputTokens: 0, outputTokens: 0 },
    notices: [...(options.configNotices ?? [])],
  };
  if (detection.targets.length === 0) {
    progress.notice('No changed functions to optimize.');
    return report;
  }
  // Proposals before preparation: what cannot get a candidate never reaches the sandbox.
  const targets: Target[] = [];
  for (const target of detection.targets) {
    const nothing = await session.nothingToPropose(target);
    if (!nothing) {
      targets.push(target);
      continue;
    }
    report.skipped.push(skipOf(target, 'optimize', nothing));
    progress.target(target, `skipped: ${nothing}`, true);
  }
  if (targets.length === 0) return report;

  const notice = (line: string) => {
    // Every workspace copy of a run says the same about the same tree: once is enough.
    if (report.notices.includes(line)) return;
    report.notices.push(line);
    progress.notice(line);
  };
  const pulling = new Set<string>();
  const images = requiredImages(options, targets);
  const sandbox = await createSandbox({
    mode: options.sandbox,
    image: images[0]?.image ?? imageFor(options.images, 'javascript'),
    images: Object.fromEntries(
      languageNames.map((language) => [language, imageFor(options.images, language)]),
    ),
    required: images,
    runId,
    tempParent: runDir.path,
    repository: options.repository ?? (await repositoryIdentity(options.repo)),
    onNotice: notice,
    refuseProcessFallback: options.refuseProcessFallback,
    onPullProgress: ({ image }) => {
      if (!pulling.has(image)) progress.notice(`Pulling ${image}…`);
      pulling.add(image);
    },
  });
  report.sandbox = { kind: sandbox.kind, isolated: sandbox.isolated, description: sandbox.description };
  progress.notice(`Sandbox: ${sandbox.description}`);
  // A setup command installs head's own dependencies; otherwise an export borrows the work tree's.
  const head = await headTree(options.repo, detection.headSha, {
    dependencies: !options.setupCommand,
    tempParent: runDir.path,
  });
  if (head.dependencies && targets.some((t) => pluginFor(t.language).usesInstalledPackages)) {
    const line = describeHeadDependencies({
      headSha: detection.headSha,
      dependencies: head.dependencies,
      declaresPackages: await declaresPackages(head.dir),
    });
    if (line) notice(line);
  }
  let setupFailures = 0;
  let setupFailure: SetupFailedError | undefined;
  try {
    for (const target of targets) {
      let outcome: TargetOutcome;
      try {
        const exhausted = session.exhaustedReason;
        outcome = exhausted
          ? { skip: skipOf(target, 'optimize', exhausted), usage: { inputTokens: 0, outputTokens: 0 } }
          : await optimizeOne(target, { options, session, sandbox, headDir: head.dir, runId, notice });
      } catch (error) {
        const none = { inputTokens: 0, outputTokens: 0 };
        if (error instanceof SetupFailedError) {
          // The sandbox does not run a failed setup again: one notice, and each target says why it was not checked.
          setupFailures++;
          setupFailure ??= error;
          notice(
            `The setup command failed, so the functions that need it were not checked: ${error.message}`,
          );
          outcome = {
            skip: skipOf(target, 'prepare', `not checked: the setup command ${error.how}`),
            usage: none,
          };
        } else {
          const reason = `internal error: ${error instanceof Error ? error.message : String(error)}`;
          outcome = { skip: skipOf(target, 'optimize', reason), usage: none };
        }
      }
      report.usage.inputTokens += outcome.usage.inputTokens;
      report.usage.outputTokens += outcome.usage.outputTokens;
      if (outcome.suggestion) report.suggestions.push(outcome.suggestion);
      if (outcome.skip) report.skipped.push(outcome.skip);
      const summary = outcome.suggestion
        ? `${changeText(outcome.suggestion.benchmark)}, verified`
        : `skipped: ${outcome.skip?.reason.replace(/\s*\n\s*/g, ' · ')}`;
      progress.target(target, summary, true);
    }
  } finally {
    await head.dispose();
    await sandbox.close();
  }
  const cost = session.meter.costUsd;
  if (cost !== undefined) report.usage.costUsd = cost;
  if (setupFailure && setupFailures === targets.length) {
    throw new NothingCheckedError(`nothing could be checked: ${setupFailure.message}`, report);
  }
  return report;
}

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport, SkipReport, SuggestionReport } from '../../src/report/types.js';
import type { CandidateMetrics, TrajectoryEntry } from '../../src/trajectory/types.js';
import { startFakeOpenAI } from '../../test/helpers/fake-openai.js';
import type { CorpusCase } from './corpus.js';
import { must, run, tail } from './shell.js';
import { addedImports, findTarget, locateByName, noOpEdit } from './upstream.js';
import { cloneAtParent, findMirror, install } from './workspace.js';

export interface CaseSettings {
  mirrors: string;
  cacheDir: string;
  cli: string;
  sandbox: 'docker' | 'process';
  image?: string;
  pythonImage?: string;
  installTimeoutMs: number;
  reviewTimeoutMs: number;
  testTimeoutMs: number;
  keep: boolean;
  /** Stop after the install (fills the install cache; the row says whether it worked). */
  installOnly?: boolean;
  /** No model: the offline rule catalog alone proposes (issue 19's question: would a rule have found it?). */
  rulesOnly?: boolean;
  /** Pass `--scale` to the review: also time both versions on inputs grown from the recorded calls. */
  scale?: boolean;
  /** Pass `--repo-bench-seconds` (0 = leave the repository's own benchmarks out); the review's default otherwise. */
  repoBenchSeconds?: number;
  log: (line: string) => void;
}

export interface CaseRow {
  id: string;
  /** Whether `afterburner review` saw the edited function as a changed target; undefined when it never ran. */
  detected?: boolean;
  testsSelected?: string;
  callsRecorded?: number;
  /** `suggested`, the skip reason, or why the case could not be run (shortened). */
  verdict: string;
  /** The whole reason, for the details under the table. */
  detail?: string;
  suggested: boolean;
  /** Verified correct but not significantly faster ("explained"). */
  explained: boolean;
  /** Upstream's speedup as afterburner measured it on the recorded calls (from the report or its trajectory). */
  speedup?: CandidateMetrics | { speedup: number; low: number; high: number };
  /** Rules-only runs: the rules that proposed a rewrite (none: no rule's shape matched). */
  rules?: string[];
  /** The applied suggestion passed upstream's test command; undefined when nothing was applied. */
  appliedGreen?: boolean;
  appliedReason?: string;
  seconds: number;
}

function fence(language: string, code: string): string {
  return `\`\`\`${language}\n${code}\n\`\`\``;
}

/** Trajectory entries of the run, newest last (they hold the benchmark of a rejected candidate too). */
async function trajectory(work: string): Promise<TrajectoryEntry[]> {
  const dir = join(work, '.afterburner', 'trajectories');
  if (!existsSync(dir)) return [];
  const entries: TrajectoryEntry[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
      if (line.trim()) entries.push(JSON.parse(line) as TrajectoryEntry);
    }
  }
  return entries;
}

function matches(c: CorpusCase, entry: { path: string; name?: string }): boolean {
  return entry.path === c.file && entry.name === c.function;
}

/** Applies a suggestion's edits (function, then the import edit above it) to the work tree's file. */
async function applySuggestion(work: string, s: SuggestionReport): Promise<void> {
  const path = join(work, s.path);
  const lines = (await readFile(path, 'utf8')).split('\n');
  const edits = [{ startLine: s.startLine, endLine: s.endLine, replacement: s.replacement }];
  if (s.importEdit) edits.push(s.importEdit);
  edits.sort((a, b) => b.startLine - a.startLine);
  for (const e of edits)
    lines.splice(e.startLine - 1, e.endLine - e.startLine + 1, ...e.replacement.split('\n'));
  await writeFile(path, lines.join('\n'));
}

function shorten(text: string, max = 110): string {
  // Runner output carries terminal colour codes.
  const one = text
    .replace(/\u001b\[[0-9;]*m/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** The rules whose rewrite was tried on the case's function (from the evidence every report carries). */
function rulesTried(report: RunReport, c: CorpusCase): string[] {
  const entry = report.suggestions.find((x) => matches(c, x)) ?? report.skipped.find((x) => matches(c, x));
  const sources = (entry?.candidates ?? []).map((cand) => cand.source).filter((x): x is string => !!x);
  return [...new Set(sources.map((x) => x.replace(/^rule /, '')))];
}

/** Whether two runs of a test command end with the same failure counts (their summary lines name them). */
function sameFailures(before: string, after: string): boolean {
  const failing = (text: string) =>
    [...text.replace(/\u001b\[[0-9;]*m/g, '').matchAll(/\b(\d+) (failed|failing|errors?)\b/g)]
      .map((m) => m[0])
      .join(', ');
  return failing(before) !== '' && failing(before) === failing(after);
}

/** Rebuilds one case, reviews it with a loopback model answering upstream's version, and checks the outcome. */
export async function runCase(c: CorpusCase, s: CaseSettings): Promise<CaseRow> {
  const started = Date.now();
  const row = (fields: Partial<CaseRow> & { verdict: string }): CaseRow => ({
    id: c.id,
    suggested: false,
    explained: false,
    ...fields,
    verdict: shorten(fields.verdict),
    detail: fields.detail ?? (fields.verdict.length > 110 ? fields.verdict.slice(0, 1500) : undefined),
    seconds: Math.round((Date.now() - started) / 1000),
  });
  const mirror = await findMirror(s.mirrors, c.repo);
  if (!mirror) return row({ verdict: `no mirror of ${c.repo} under ${s.mirrors}` });
  const work = await mkdtemp(join(tmpdir(), `real-${c.id}-`));
  // Outside the work tree, so that upstream's lint never sees them.
  const out = await mkdtemp(join(tmpdir(), `real-${c.id}-report-`));
  try {
    let parent: string;
    try {
      parent = await cloneAtParent(mirror, c.fix, work);
    } catch (error) {
      return row({ verdict: `clone: ${(error as Error).message}` });
    }
    const atParent = await findTarget(work, parent, c.file, c.function);
    const atFix = await findTarget(work, c.fix, c.file, c.function);
    // afterburner's detection first; tree-sitter by name when it misses the function (recorded as a note).
    const language = c.language === 'typescript' && c.file.endsWith('x') ? 'tsx' : c.language;
    const parentSide =
      'target' in atParent ? atParent.target : await locateByName(work, parent, c.file, c.function, language);
    const fixSide =
      'target' in atFix ? atFix.target : await locateByName(work, c.fix, c.file, c.function, language);
    if (!parentSide)
      return row({
        detected: false,
        verdict: `not found at parent: ${'reason' in atParent ? atParent.reason : ''}`,
      });
    if (!fixSide)
      return row({ verdict: `upstream's version not found: ${'reason' in atFix ? atFix.reason : ''}` });
    if ('reason' in atParent)
      s.log(`${c.id}: afterburner's detection misses it (${atParent.reason}); located by name`);
    const imports = await addedImports(work, parent, c.fix, c.file);

    s.log(`${c.id}: installing (${c.install})`);
    const installed = await install(c, work, s.cacheDir, s.installTimeoutMs);
    if (!installed.ok) return row({ verdict: installed.reason ?? 'install failed' });
    s.log(`${c.id}: installed in ${Math.round(installed.ms / 1000)} s${installed.cached ? ' (cache)' : ''}`);
    if (s.installOnly) return row({ verdict: `installed${installed.cached ? ' (cache)' : ''}` });

    await noOpEdit(work, parentSide);
    await must(['git', 'add', '--', c.file], work);
    const identity = [
      '-c',
      'user.name=bench',
      '-c',
      'user.email=bench@localhost',
      '-c',
      'commit.gpgsign=false',
    ];
    // Plumbing rather than `git commit`: a fetched snapshot may lack its largest blobs, and `--missing-ok` lets the
    // tree be written anyway.
    const tree = (await must(['git', 'write-tree', '--missing-ok'], work)).trim();
    const commit = (
      await must(['git', ...identity, 'commit-tree', tree, '-p', parent, '-m', 'no-op edit'], work)
    ).trim();
    await must(['git', 'update-ref', '--no-deref', 'HEAD', commit], work);

    const answer = fence(c.language, [...imports, fixSide.source].join('\n'));
    const model = s.rulesOnly ? undefined : await startFakeOpenAI(() => answer);
    const reportJson = join(out, 'report.json');
    let review: Awaited<ReturnType<typeof run>>;
    try {
      const args = [
        ...['review', '--repo', work, '--base', parent, '--head', 'HEAD'],
        ...(model
          ? ['--base-url', model.baseUrl, '--model', 'upstream', '--rules', 'off']
          : ['--rules', 'only']),
        ...['--iterations', '1', '--candidates', '1'],
        ...(s.scale ? ['--scale'] : []),
        ...(s.repoBenchSeconds !== undefined ? ['--repo-bench-seconds', String(s.repoBenchSeconds)] : []),
        ...['--json', reportJson, '--out', join(out, 'report.md')],
        ...['--sandbox', s.sandbox],
        ...(s.image ? ['--image', s.image] : []),
        ...(s.pythonImage ? ['--python-image', s.pythonImage] : []),
      ];
      s.log(`${c.id}: afterburner ${args.join(' ')}`);
      review = await run(['node', s.cli, ...args], {
        cwd: work,
        timeoutMs: s.reviewTimeoutMs,
        env: { AFTERBURNER_API_KEY: 'loopback', OPENAI_API_KEY: 'loopback' },
      });
    } finally {
      await model?.close();
    }
    if (!existsSync(reportJson)) {
      const why = review.timedOut
        ? `timed out after ${Math.round(s.reviewTimeoutMs / 60000)} min`
        : `exit ${review.code}`;
      return row({ verdict: `review ${why}, no report: ${tail(review.output, 2)}` });
    }
    const report = JSON.parse(await readFile(reportJson, 'utf8')) as RunReport;
    const suggestion = report.suggestions.find((x) => matches(c, x));
    const skip: SkipReport | undefined =
      report.skipped.find((x) => matches(c, x)) ?? report.skipped.find((x) => x.path === c.file && !x.name);
    const rules = s.rulesOnly ? rulesTried(report, c) : undefined;
    if (suggestion) {
      const files = suggestion.tests.files?.length;
      const passed = suggestion.tests.passedCount;
      const base = {
        detected: true,
        testsSelected: `${files ?? '?'} files, ${passed ?? '?'} passed (${suggestion.tests.runner ?? 'script'})`,
        callsRecorded: suggestion.differentialCalls,
        suggested: true,
        speedup: suggestion.benchmark.estimate,
        ...(rules ? { rules } : {}),
      };
      const upstreamTests = () =>
        run(c.test, { cwd: join(work, c.packageDir), timeoutMs: s.testTimeoutMs, env: { CI: '1' } });
      // Upstream's own command on the original first: a suite that fails before any change (a file that does not
      // load on this Node) is not a failure the suggestion caused.
      const before = await upstreamTests();
      await applySuggestion(work, suggestion);
      s.log(`${c.id}: suggestion applied; running upstream's tests (${c.test})`);
      const tests = await upstreamTests();
      const green = tests.code === 0;
      const failsBefore = !green && before.code !== 0 && sameFailures(before.output, tests.output);
      return row({
        ...base,
        verdict: 'suggested',
        appliedGreen: green || failsBefore,
        ...(green
          ? {}
          : {
              appliedReason: `${failsBefore ? 'the same as before any change (exit ' + before.code + '): ' : ''}${shorten(tail(tests.output, 6), 600)}`,
            }),
      });
    }
    // The report's evidence of each candidate carries its interval; the trajectory log is the fallback.
    const entries = (await trajectory(work)).filter((e) => e.path === c.file && e.name === c.function);
    const measured =
      skip?.candidates?.find((cand) => cand.estimate)?.estimate ??
      entries
        .flatMap((e) => e.candidates)
        .map((cand) => cand.metrics)
        .find((m) => m !== undefined);
    if (!skip) {
      const others = report.skipped.map((x) => `${x.path} ${x.name ?? ''}`.trim()).slice(0, 3);
      return row({
        detected: false,
        verdict: `not a target of the review${others.length ? ` (skipped: ${others.join('; ')})` : ' (no changed function found)'}`,
      });
    }
    return row({
      detected: skip.stage !== 'detect',
      verdict: `${skip.stage}: ${skip.reason.replace(/\s*\n\s*/g, ' · ')}`.slice(0, 300),
      detail: `${skip.stage}: ${skip.reason}`.slice(0, 1500),
      explained:
        skip.candidates?.some((c) => c.verdict === 'not-faster') ??
        /correct, but not significantly faster/.test(skip.reason),
      ...(measured ? { speedup: measured } : {}),
      ...(rules ? { rules } : {}),
    });
  } catch (error) {
    return row({ verdict: `bench error: ${(error as Error).message}` });
  } finally {
    if (s.keep) s.log(`${c.id}: work tree kept at ${work}`);
    else await rm(work, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  }
}

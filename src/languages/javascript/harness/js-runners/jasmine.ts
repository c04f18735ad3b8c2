import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import picomatch from 'picomatch';
import { firstLines } from '../../../../harness/test-run.js';
import type { TestFailure } from '../../../../harness/types.js';
import { invocationArgs, type JsRunner, quote, type RunnerContext, type RunnerCounts } from './types.js';

/** The project's own options to keep (`--config=…`, `--require=…`, `JASMINE_CONFIG_PATH=…`), not its file list. */
function projectOptions(script: string): string[] {
  return invocationArgs(script, 'jasmine').filter(
    (arg) =>
      (/^--[\w-]+=/.test(arg) && !/^--(reporter|filter)=/.test(arg)) || /^JASMINE_CONFIG_PATH=/.test(arg),
  );
}

function configPath(script: string): string {
  for (const arg of projectOptions(script)) {
    const match = /^(?:--config|JASMINE_CONFIG_PATH)=(.*)$/.exec(arg);
    if (match?.[1]) return match[1].replace(/^['"]|['"]$/g, '');
  }
  return 'spec/support/jasmine.json';
}

/** The spec files jasmine's configuration names (JSON configs only; a .js/.mjs config keeps jasmine's default). */
async function specMatcher(context: RunnerContext): Promise<(file: string) => boolean> {
  const fallback = (file: string) => /[sS]pec\.[cm]?js$/.test(file);
  const text = await readFile(join(context.packageDir, configPath(context.script)), 'utf8').catch(
    () => undefined,
  );
  if (!text) return fallback;
  try {
    const config = JSON.parse(text) as { spec_dir?: string; spec_files?: string[] };
    const dir = config.spec_dir ?? 'spec';
    const globs = (config.spec_files ?? ['**/*[sS]pec.?(m)js'])
      .filter((g) => !g.startsWith('!'))
      .map((g) => posix.normalize(posix.join(dir, g)));
    return picomatch(globs, { dot: false });
  } catch {
    return fallback;
  }
}

interface JasmineResults {
  passed?: number;
  failed?: number;
  failures?: TestFailure[];
}

/** What the reporter we ship (node/jasmine-reporter.cjs) writes. */
export function parseJasmine(text: string): RunnerCounts {
  const data = JSON.parse(text) as JasmineResults;
  const failures = (data.failures ?? []).map((f) => ({ name: f.name, message: firstLines(f.message ?? '') }));
  return { passedCount: data.passed ?? 0, failedCount: data.failed ?? failures.length, failures };
}

export const jasmine: JsRunner = {
  name: 'jasmine',
  writesResults: true,
  acceptFiles: async (files, context) => {
    const isSpec = await specMatcher(context);
    return files.filter((f) => isSpec(f));
  },
  command: (context) => {
    const reporter = posix.join(context.harnessDir, 'jasmine-reporter.cjs');
    const options = projectOptions(context.script);
    return [
      'jasmine',
      ...options,
      `--reporter=${quote(/^\.\.?\//.test(reporter) ? reporter : `./${reporter}`)}`,
      ...context.files.map(quote),
    ].join(' ');
  },
  parse: (_stdout, results) => (results ? parseJasmine(results) : undefined),
};

import { firstLines } from '../../../../harness/test-run.js';
import { invocationArgs, type JsRunner, quote, type RunnerCounts } from './types.js';

interface MochaResults {
  stats?: { passes?: number; failures?: number };
  failures?: { fullTitle?: string; err?: { message?: string } }[];
}

export function parseMocha(text: string): RunnerCounts {
  const data = JSON.parse(text) as MochaResults;
  const failures = (data.failures ?? []).map((f) => ({
    name: f.fullTitle ?? '?',
    message: firstLines(f.err?.message ?? ''),
  }));
  return {
    passedCount: data.stats?.passes ?? 0,
    failedCount: data.stats?.failures ?? failures.length,
    failures,
  };
}

// Mocha options that take a value; the reporter's and the spec's are ours to set.
const valued = new Set([
  '--require',
  '-r',
  '--ui',
  '-u',
  '--timeout',
  '-t',
  '--file',
  '--extension',
  '--config',
  '--package',
  '--grep',
  '-g',
  '--fgrep',
  '-f',
  '--slow',
  '-s',
  '--ignore',
  '--exclude',
  '--node-option',
  '-n',
  '--jobs',
  '-j',
  '--retries',
  '--reporter',
  '-R',
  '--reporter-option',
  '--reporter-options',
  '-O',
  '--spec',
]);
const ours = new Set(['--reporter', '-R', '--reporter-option', '--reporter-options', '-O', '--spec']);

/**
 * The project's own mocha options (`--require @babel/register`, `--ui tdd`…) without its reporter and files, and
 * the environment it sets before mocha (`cross-env BABEL_ENV=cjs mocha`): without them its tests may not load.
 */
export function mochaOptions(script: string): { env: string[]; options: string[] } {
  const args = invocationArgs(script, 'mocha');
  const options: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag] = arg.split('=', 1) as [string];
    if (!arg.startsWith('-')) continue;
    const takesValue = valued.has(flag) && !arg.includes('=');
    if (!ours.has(flag))
      options.push(arg, ...(takesValue && args[i + 1] !== undefined ? [args[i + 1] as string] : []));
    if (takesValue) i++;
  }
  const segment = script.split(/&&|\|\||;|\|/).find((part) => /(^|[\s/])mocha(\s|$)/.test(part)) ?? '';
  const before = segment
    .slice(0, segment.search(/(^|[\s/])mocha(\s|$)/))
    .trim()
    .split(/\s+/);
  const env = before.filter((word) => /^[A-Za-z_][A-Za-z0-9_]*=\S*$/.test(word));
  return { env, options: options.map(quote) };
}

export const mocha: JsRunner = {
  name: 'mocha',
  writesResults: true,
  command: ({ files, resultsFile, script }) => {
    const { env, options } = mochaOptions(script);
    return [
      ...env,
      'mocha',
      ...options,
      `--reporter json --reporter-option ${quote(`output=${resultsFile}`)}`,
      ...files.map(quote),
    ].join(' ');
  },
  parse: (_stdout, results) => (results ? parseMocha(results) : undefined),
};

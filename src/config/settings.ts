import { z } from 'zod';
import { instructions } from '../optimize/metric.js';
import { providerNames } from '../providers/create-provider.js';
import { defaults } from './defaults.js';

/** The stage a setting belongs to: its section of `RunConfig` and of `.afterburner.yml`. */
export type Section = 'detect' | 'sandbox' | 'verify' | 'optimize' | 'publish';

export const languageNames = ['javascript', 'typescript', 'tsx', 'python'] as const;

export type FlagCommand = 'review' | 'optimize' | 'sweep';

/** Where a setting can be given; every setting has at least one. */
export interface SettingSources {
  /** `--NAME` on `review`, `optimize` and `sweep` (true), or on the commands listed. */
  flag?: boolean | readonly FlagCommand[];
  /** The Action's input NAME. */
  input?: boolean;
  /** `SECTION.FILE-KEY` in `.afterburner.yml`. */
  file?: boolean;
  /** An environment variable read under the flags and inputs. */
  env?: string;
}

/**
 * One setting: its name is the CLI flag (`--min-speedup`), the Action input (`min-speedup`) and the key inside
 * its section of `.afterburner.yml` (`verify.min-speedup`), unless `fileKey` says otherwise.
 */
export interface Setting {
  name: string;
  section: Section;
  /** The property of the section in `RunConfig` (default: the name in camelCase). */
  key?: string;
  fileKey?: string;
  sources: SettingSources;
  /** Validates one value, as text (flags, inputs, environment) or as YAML gives it. */
  value: z.ZodType;
  /** The flag's argument in help texts (`<n>`); a flag without one is a switch. */
  argument?: string;
  choices?: readonly string[];
  /** The parsed value when no source sets it. */
  default?: unknown;
  /** The Action's default, where it differs (a job posts to a pull request: it stays short). */
  actionDefault?: unknown;
  /** The default as the documentation shows it. */
  defaultText: string;
  /**
   * May a pull request's own `.afterburner.yml` set it? Only settings that narrow what is looked at: everything
   * that decides where code runs, what it runs with, which model is asked or what is posted comes from the base.
   */
  fromHead?: boolean;
  /** Never written to a file (secrets). */
  secret?: boolean;
  description: string;
}

const text = z.string().trim().min(1, 'must not be empty');
const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
  error: 'expected true or false',
});
/** Comma- or newline-separated text (flags, inputs), or a YAML list. */
const list = z.union([
  z.string().transform((value) =>
    value
      .split(/[\n,]/)
      .map((item) => item.trim())
      .filter(Boolean),
  ),
  z.array(text),
]);
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values);
/** `LANGUAGE=IMAGE` lines, or a YAML mapping of language to image. */
const imageMap = z
  .union([
    list.pipe(
      z.array(
        z.string().regex(/^(javascript|typescript|tsx|python)=\S+$/, 'expected LANGUAGE=IMAGE per line'),
      ),
    ),
    z.partialRecord(z.enum(languageNames), text),
  ])
  .transform((value) =>
    Array.isArray(value)
      ? Object.fromEntries(value.map((line) => line.split('=', 2) as [string, string]))
      : value,
  );

const price = z.string().regex(/^\d+(\.\d+)?\/\d+(\.\d+)?$/, {
  error: 'expected INPUT/OUTPUT US dollars per million tokens, e.g. 0.4/1.6',
});

const all: SettingSources = { flag: true, input: true, file: true };

/** Every setting of a run, in the order the documentation lists them: one row each. */
// biome-ignore format: a table reads best one row per line
export const settings: readonly Setting[] = [
  // detect
  { name: 'include', section: 'detect', sources: all, value: list, argument: '<globs>', default: [], defaultText: 'all', fromHead: true, description: 'only files matching these globs (comma- or newline-separated; a file left out is listed with the pattern)' },
  { name: 'exclude', section: 'detect', sources: all, value: list, argument: '<globs>', default: [], defaultText: 'none', fromHead: true, description: 'leave out files matching these globs' },
  { name: 'languages', section: 'detect', sources: all, value: list.pipe(z.array(z.enum(languageNames)).min(1, 'must list at least one language')), argument: '<list>', defaultText: 'all', fromHead: true, description: 'languages to optimize: javascript, typescript, tsx, python' },
  { name: 'max-function-lines', section: 'detect', sources: all, value: count(1, 100_000), argument: '<n>', defaultText: '200', fromHead: true, description: 'longer functions are skipped as too large' },
  { name: 'test-files', section: 'detect', sources: all, value: list, argument: '<globs>', defaultText: 'the usual test paths', fromHead: true, description: 'globs of test files, replacing the default ones' },
  { name: 'max-functions', section: 'detect', sources: all, value: count(1, 10_000), argument: '<n>', actionDefault: 20, defaultText: 'all (Action and sweep: 20)', fromHead: true, description: 'optimize at most this many functions, the first in path order; the rest are listed as skipped' },
  // sandbox
  { name: 'sandbox', section: 'sandbox', key: 'mode', fileKey: 'mode', sources: all, value: oneOf(['auto', 'docker', 'process']), choices: ['auto', 'docker', 'process'], argument: '<mode>', default: defaults.sandbox, defaultText: 'auto', description: 'where code runs: docker, process (not isolated), or auto (Docker when a daemon answers, else processes, said plainly; the Action refuses processes unless asked by name)' },
  { name: 'image', section: 'sandbox', sources: { ...all, env: 'AFTERBURNER_IMAGE' }, value: text, argument: '<name>', default: defaults.image, defaultText: defaults.image, description: 'sandbox image for JavaScript and TypeScript' },
  { name: 'python-image', section: 'sandbox', sources: { ...all, env: 'AFTERBURNER_PYTHON_IMAGE' }, value: text, argument: '<name>', default: defaults.pythonImage, defaultText: defaults.pythonImage, description: 'sandbox image for Python' },
  { name: 'images', section: 'sandbox', sources: all, value: imageMap, argument: '<lang=image,…>', default: {}, defaultText: 'none', description: 'an image per language (javascript, typescript, tsx, python), over image and python-image' },
  { name: 'setup-command', section: 'sandbox', sources: all, value: text, argument: '<cmd>', defaultText: 'none', description: 'installs dependencies once, with network, before any untrusted code runs (e.g. npm ci)' },
  { name: 'test-command', section: 'sandbox', sources: all, value: text, argument: '<cmd>', defaultText: 'package.json scripts.test', description: "the repository's test command" },
  // verify
  { name: 'min-speedup', section: 'verify', sources: all, value: z.coerce.number().min(0).max(1000), argument: '<percent>', default: defaults.minSpeedupPercent, defaultText: String(defaults.minSpeedupPercent), description: "the speedup in percent the 95% confidence interval's lower bound must clear" },
  { name: 'rounds', section: 'verify', sources: all, value: count(5, 1000), argument: '<n>', default: defaults.rounds, defaultText: String(defaults.rounds), description: 'timed rounds per candidate' },
  { name: 'scale', section: 'verify', sources: all, value: bool, default: false, defaultText: 'off', description: "also check and time both versions on inputs grown ×10, ×100, ×1000 (×10 000 while the calls still take under 20 µs on average) from the tests' calls, and fit each version's complexity" },
  { name: 'measure', section: 'verify', sources: all, value: oneOf(['time', 'instructions']), choices: ['time', 'instructions'], argument: '<how>', default: 'time', defaultText: 'time', description: "how the tests' own calls are compared: wall time, or instructions counted under valgrind's callgrind (repeatable whatever the machine's load; wall time where valgrind is missing, said in the report)" },
  { name: 'repo-bench-seconds', section: 'verify', sources: all, value: z.coerce.number().min(0).max(86_400), argument: '<s>', default: defaults.repoBenchSeconds, defaultText: String(defaults.repoBenchSeconds), description: "time per candidate for the repository's own benchmarks that reach the function (vitest bench, benchmark.js, tinybench, mitata, pytest-benchmark); 0 skips them" },
  // optimize
  { name: 'provider', section: 'optimize', sources: all, value: oneOf(providerNames), choices: providerNames, argument: '<name>', defaultText: 'rules unless model or base-url', description: 'where candidates come from: openai (any OpenAI-compatible endpoint), github-models, anthropic, or rules (offline, no model)' },
  { name: 'model', section: 'optimize', sources: all, value: text, argument: '<name>', defaultText: 'none (github-models: openai/gpt-4.1-mini)', description: 'model name' },
  { name: 'base-url', section: 'optimize', sources: all, value: z.url(), argument: '<url>', defaultText: "the provider's", description: 'OpenAI-compatible endpoint (vLLM, Ollama, LM Studio, a proxy) or Anthropic base URL' },
  { name: 'api-key', section: 'optimize', sources: { input: true }, value: text, defaultText: 'AFTERBURNER_API_KEY, OPENAI_API_KEY…', secret: true, description: 'API key for the model endpoint; it goes to the model client only, never into the sandbox (github-models uses github-token)' },
  { name: 'instruction', section: 'optimize', sources: all, value: oneOf(instructions as unknown as ['time', 'memory', 'integral']), choices: instructions, argument: '<metric>', default: defaults.instruction, defaultText: defaults.instruction, description: 'what to optimize for: time, per-call peak memory, or memory × time (the paper\'s three objectives)' },
  { name: 'iterations', section: 'optimize', sources: all, value: count(1, 20), argument: '<n>', default: defaults.iterations, defaultText: String(defaults.iterations), description: 'optimization iterations per function (N)' },
  { name: 'candidates', section: 'optimize', sources: all, value: count(1, 16), argument: '<n>', default: defaults.candidates, defaultText: String(defaults.candidates), description: 'candidates per iteration (k)' },
  { name: 'rules', section: 'optimize', sources: all, value: oneOf(['first', 'only', 'off']), choices: ['first', 'only', 'off'], argument: '<mode>', default: defaults.rules, defaultText: defaults.rules, description: 'the offline rule catalog: first (before the model), only (no model), off' },
  { name: 'max-tokens', section: 'optimize', sources: all, value: z.coerce.number().int().positive(), argument: '<n>', defaultText: 'none', description: 'token budget of the run: no request is sent whose estimated tokens would go past it; what was verified by then is still reported' },
  { name: 'max-cost', section: 'optimize', sources: all, value: z.coerce.number().positive(), argument: '<usd>', defaultText: 'none', description: 'cost budget of the run in US dollars (needs price)' },
  { name: 'price', section: 'optimize', sources: all, value: price, argument: '<in/out>', defaultText: 'none', description: 'US dollars per million input/output tokens, e.g. 0.4/1.6: shows the cost in every report and enables max-cost' },
  { name: 'request-timeout', section: 'optimize', sources: all, value: z.coerce.number().positive().max(3600), argument: '<seconds>', defaultText: String(defaults.requestTimeoutSeconds), description: 'timeout of one model request' },
  { name: 'model-time', section: 'optimize', sources: all, value: z.coerce.number().positive().max(86_400), argument: '<seconds>', defaultText: String(defaults.modelSecondsPerFunction), description: 'time one function may wait for the model in all' },
  { name: 'concurrency', section: 'optimize', sources: all, value: count(1, 64), argument: '<n>', defaultText: 'the provider’s', description: 'model requests in flight at once' },
  { name: 'sampling', section: 'optimize', sources: all, value: oneOf(['auto', 'n', 'separate']), choices: ['auto', 'n', 'separate'], argument: '<mode>', defaultText: 'auto', description: 'ask for k candidates with `n` in one request, or separately' },
  { name: 'cache', section: 'optimize', sources: all, value: bool, default: true, defaultText: 'on', description: 'read and write the result cache (--no-cache: neither)' },
  { name: 'cache-dir', section: 'optimize', sources: { flag: true }, value: text, argument: '<dir>', defaultText: '$XDG_CACHE_HOME/afterburner or ~/.cache/afterburner (Action: the tool cache)', description: 'where results and run logs are kept, per repository; never inside the repository' },
  // publish (the Action)
  { name: 'github-token', section: 'publish', sources: { input: true }, value: text, defaultText: '${{ github.token }}', secret: true, description: 'token for posting reviews, comments and sweep pull requests; it never reaches the sandbox' },
  { name: 'bot-login', section: 'publish', sources: { input: true }, value: text, defaultText: 'asked of GitHub, else github-actions[bot]', description: "the login github-token posts as (e.g. my-app[bot]); only this login's comments are ever edited, minimized or taken as afterburner's" },
  { name: 'mode', section: 'publish', sources: { input: true }, value: oneOf(['auto', 'review', 'sweep', 'merge', 'post']), choices: ['auto', 'review', 'sweep', 'merge', 'post'], default: 'auto', defaultText: 'auto', description: 'auto (pull_request/issue_comment review, schedule/workflow_dispatch sweep, workflow_run post), review, sweep, merge (combine shard reports and open the sweep pull request), or post (on workflow_run: post the report a pull_request run uploaded; runs nothing from the pull request)' },
  { name: 'comment-style', section: 'publish', sources: { input: true, file: true }, value: oneOf(['review', 'summary', 'none']), choices: ['review', 'summary', 'none'], default: 'review', defaultText: 'review', description: 'review (inline suggestions and one sticky summary comment), summary (the summary comment only) or none (job summary only)' },
  { name: 'comment-when-empty', section: 'publish', sources: { input: true, file: true }, value: bool, default: false, defaultText: 'false', description: 'post the summary comment even when nothing was found (default: stay silent)' },
  { name: 'shard', section: 'publish', sources: { flag: ['sweep'], input: true }, value: z.string().trim(), argument: '<i/n>', default: '1/1', defaultText: '1/1', description: "i/n: only shard i of n of a sweep's functions (a matrix job); the merge job opens the pull request" },
  { name: 'reports', section: 'publish', sources: { input: true }, value: text, defaultText: 'none', description: 'mode merge: the directory of shard JSON reports; mode post: the downloaded report (afterburner-report.json, or a directory holding it)' },
];

export function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The flag as typed: `--rounds`, or `--no-cache` for a switch that is on by default. */
export function flagName(setting: Setting): string {
  const isSwitch = setting.argument === undefined;
  return isSwitch && setting.default === true ? `--no-${setting.name}` : `--${setting.name}`;
}

/** The property a setting fills in its section of `RunConfig`. */
export function settingKey(setting: Setting): string {
  return setting.key ?? camelCase(setting.name);
}

/** The key a setting has inside its section of `.afterburner.yml`. */
export function settingFileKey(setting: Setting): string {
  return setting.fileKey ?? setting.name;
}

export function settingNamed(name: string): Setting {
  const setting = settings.find((s) => s.name === name);
  if (!setting) throw new Error(`no setting named ${name}`);
  return setting;
}

import { z } from 'zod';
import { budgetFields, budgetOf } from '../config/budget.js';
import { defaults } from '../config/defaults.js';
import { AfterburnerError } from '../errors.js';
import { providerNames } from '../providers/create-provider.js';
import type { Budget, TokenPrice } from '../providers/usage-meter.js';
import { parseShard, type Shard } from '../sweep/shard.js';

const languages = ['javascript', 'typescript', 'tsx', 'python'] as const;

/** Newline- or comma-separated list, as workflow files write them. */
const list = z
  .string()
  .optional()
  .transform((text) =>
    (text ?? '')
      .split(/[\n,]/)
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z
  .string()
  .optional()
  .transform((text) => (text?.trim() ? text.trim() : undefined));
const flag = z
  .enum(['true', 'false'], { error: 'expected true or false' })
  .optional()
  .transform((v) => v === 'true');

/** Every input of action.yml, by its name there. */
const schema = z.strictObject({
  provider: z.enum(providerNames).optional(),
  model: optionalText,
  'base-url': z.url().optional(),
  'api-key': optionalText,
  'github-token': optionalText,
  'bot-login': optionalText,
  instruction: z.enum(['time', 'memory', 'integral']).default('time'),
  iterations: count(1, 20).default(defaults.iterations),
  candidates: count(1, 16).default(defaults.candidates),
  'min-speedup': z.coerce.number().min(0).max(1000).default(defaults.minSpeedupPercent),
  'max-functions': count(1, 10_000).default(20),
  include: list,
  exclude: list,
  languages: list.pipe(z.array(z.enum(languages))),
  sandbox: z.enum(['auto', 'docker', 'process']).default('auto'),
  image: optionalText,
  images: list.pipe(
    z.array(z.string().regex(/^(javascript|typescript|tsx|python)=\S+$/, 'expected LANGUAGE=IMAGE per line')),
  ),
  'setup-command': optionalText,
  'test-command': optionalText,
  rounds: count(5, 1000).default(defaults.rounds),
  scale: flag,
  'repo-bench-seconds': z.coerce.number().min(0).max(86_400).default(defaults.repoBenchSeconds),
  'max-tokens': budgetFields.maxTokens,
  'max-cost': budgetFields.maxCost,
  price: budgetFields.price,
  mode: z.enum(['auto', 'review', 'sweep', 'merge', 'post']).default('auto'),
  'comment-style': z.enum(['review', 'summary', 'none']).default('review'),
  'comment-when-empty': flag,
  shard: z.string().default('1/1'),
  reports: optionalText,
});

export type RawInputs = Partial<Record<keyof z.input<typeof schema>, string>>;

export const inputNames = Object.keys(schema.shape) as (keyof z.input<typeof schema>)[];

export interface ActionInputs {
  provider?: (typeof providerNames)[number];
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  githubToken?: string;
  /** The login github-token posts as, when GitHub cannot be asked (see GitHubClient.self). */
  botLogin?: string;
  instruction: 'time' | 'memory' | 'integral';
  iterations: number;
  candidates: number;
  /** 0.1 = 10%. */
  minSpeedup: number;
  maxFunctions: number;
  include: string[];
  exclude: string[];
  languages?: (typeof languages)[number][];
  sandbox: 'auto' | 'docker' | 'process';
  /** Image for JavaScript and TypeScript targets. */
  image: string;
  imagesByLanguage: Record<string, string>;
  /** Image for Python targets (`images: python=…`). */
  pythonImage?: string;
  testCommand?: string;
  /** Installs dependencies once, with network, before anything from the pull request runs untrusted. */
  setupCommand?: string;
  rounds: number;
  scale: boolean;
  repoBenchSeconds: number;
  /** Stops asking the model once spent; what was verified by then is still reported. */
  budget: Budget;
  /** US dollars per million tokens: turns tokens into the cost shown in every comment. */
  price?: TokenPrice;
  mode: 'auto' | 'review' | 'sweep' | 'merge' | 'post';
  commentStyle: 'review' | 'summary' | 'none';
  commentWhenEmpty: boolean;
  shard: Shard;
  /** Directory of shard JSON reports (mode merge), or the downloaded report, file or directory (mode post). */
  reports?: string;
}

/**
 * Reads and validates every input in one place. Empty strings mean "not set" (that is how the runner passes
 * omitted inputs). A bad value fails with the input's name and what is allowed.
 */
export function parseInputs(raw: RawInputs): ActionInputs {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = schema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? 'inputs');
    throw new AfterburnerError('usage', `input '${name}': ${issue?.message ?? 'invalid value'}`);
  }
  const i = result.data;
  let shard: Shard;
  try {
    shard = parseShard(i.shard);
  } catch (error) {
    throw new AfterburnerError('usage', `input ${(error as Error).message}`);
  }
  const { budget, price } = budgetOf(
    { maxTokens: i['max-tokens'], maxCost: i['max-cost'], price: i.price },
    { maxCost: "input 'max-cost'", price: "input 'price'" },
  );
  const imagesByLanguage = Object.fromEntries(i.images.map((line) => line.split('=', 2) as [string, string]));
  const test = i['test-command'];
  const setup = i['setup-command'];
  return {
    provider: i.provider ?? (i.model || i['base-url'] ? 'openai' : 'rules'),
    model: i.model,
    baseUrl: i['base-url'],
    apiKey: i['api-key'],
    githubToken: i['github-token'],
    botLogin: i['bot-login'],
    instruction: i.instruction,
    iterations: i.iterations,
    candidates: i.candidates,
    minSpeedup: i['min-speedup'] / 100,
    maxFunctions: i['max-functions'],
    include: i.include,
    exclude: i.exclude,
    languages: i.languages.length > 0 ? i.languages : undefined,
    sandbox: i.sandbox,
    image: imagesByLanguage.javascript ?? i.image ?? defaults.image,
    imagesByLanguage,
    pythonImage: imagesByLanguage.python,
    testCommand: test,
    setupCommand: setup,
    rounds: i.rounds,
    scale: i.scale,
    repoBenchSeconds: i['repo-bench-seconds'],
    budget,
    price,
    mode: i.mode,
    commentStyle: i['comment-style'],
    commentWhenEmpty: i['comment-when-empty'],
    shard,
    reports: i.reports,
  };
}

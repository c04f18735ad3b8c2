import { z } from 'zod';
import { AfterburnerError } from '../errors.js';
import { type Instruction, instructions, measuredInstructions } from '../optimize/metric.js';
import type { RulesMode } from '../optimize/session.js';
import { type ProviderName, providerNames } from '../providers/create-provider.js';
import type { SamplingMode } from '../providers/openai-provider.js';
import type { Budget, TokenPrice } from '../providers/usage-meter.js';
import type { SandboxMode } from '../sandbox/types.js';
import { budgetFields, budgetOf } from './budget.js';
import { defaults } from './defaults.js';

/** Flags as commander hands them over: strings, or undefined when absent. */
export interface RawReviewFlags {
  repo?: string;
  base?: string;
  head?: string;
  out?: string;
  json?: string;
  provider?: string;
  baseUrl?: string;
  model?: string;
  iterations?: string;
  candidates?: string;
  minSpeedup?: string;
  rounds?: string;
  sandbox?: string;
  image?: string;
  pythonImage?: string;
  setupCommand?: string;
  testCommand?: string;
  instruction?: string;
  rules?: string;
  maxTokens?: string;
  maxCost?: string;
  price?: string;
  /** `--no-cache` sets this to false. */
  cache?: boolean;
  cacheDir?: string;
  requestTimeout?: string;
  modelTime?: string;
  concurrency?: string;
  sampling?: string;
  include?: string;
  exclude?: string;
  maxFunctions?: string;
  scale?: boolean;
  repoBenchSeconds?: string;
}

export interface ReviewFlags {
  repo: string;
  base: string;
  head?: string;
  out?: string;
  json?: string;
  provider: ProviderName;
  baseUrl?: string;
  model?: string;
  iterations: number;
  candidates: number;
  minSpeedup: number;
  rounds: number;
  sandbox: SandboxMode;
  image: string;
  pythonImage?: string;
  setupCommand?: string;
  testCommand?: string;
  instruction: Instruction;
  rules: RulesMode;
  budget: Budget;
  price?: TokenPrice;
  cache: boolean;
  /** Root of afterburner's per-repository state (cache, trajectories); default the per-user cache directory. */
  cacheDir?: string;
  requestTimeoutMs?: number;
  modelTimeMs?: number;
  concurrency?: number;
  sampling?: SamplingMode;
  include?: string[];
  exclude?: string[];
  maxFunctions?: number;
  scale: boolean;
  repoBenchSeconds: number;
}

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Comma-separated globs; empty items are dropped. */
const globList = z
  .string()
  .optional()
  .transform((text) =>
    text
      ?.split(',')
      .map((glob) => glob.trim())
      .filter(Boolean),
  );

const schema = z.strictObject({
  repo: z.string().min(1).default('.'),
  base: z.string({ error: 'is required' }).min(1),
  head: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  json: z.string().min(1).optional(),
  provider: z.enum(providerNames).optional(),
  baseUrl: z.url().optional(),
  model: z.string().min(1).optional(),
  iterations: count(1, 20).default(defaults.iterations),
  candidates: count(1, 16).default(defaults.candidates),
  minSpeedup: z.coerce.number().min(0).max(1000).default(defaults.minSpeedupPercent),
  rounds: count(5, 1000).default(defaults.rounds),
  sandbox: z.enum(['auto', 'docker', 'process']).default(defaults.sandbox),
  image: z.string().min(1).optional(),
  pythonImage: z.string().min(1).optional(),
  setupCommand: z.string().min(1).optional(),
  testCommand: z.string().min(1).optional(),
  instruction: z
    .enum(instructions)
    .default(defaults.instruction)
    .refine((value) => measuredInstructions.includes(value), {
      error: (issue) =>
        `${String(issue.input)} is not measured yet (the harness measures ${measuredInstructions.join(', ')} only)`,
    }),
  rules: z.enum(['first', 'only', 'off']).default(defaults.rules),
  ...budgetFields,
  cache: z.boolean().default(true),
  cacheDir: z.string().min(1).optional(),
  requestTimeout: z.coerce.number().positive().max(3600).optional(),
  modelTime: z.coerce.number().positive().max(86_400).optional(),
  concurrency: count(1, 64).optional(),
  sampling: z.enum(['auto', 'n', 'separate']).optional(),
  include: globList,
  exclude: globList,
  maxFunctions: count(1, 10_000).optional(),
  scale: z.boolean().default(false),
  repoBenchSeconds: z.coerce.number().min(0).max(86_400).default(defaults.repoBenchSeconds),
});

const flagNames: Record<string, string> = {
  baseUrl: '--base-url',
  minSpeedup: '--min-speedup',
  testCommand: '--test-command',
  pythonImage: '--python-image',
  setupCommand: '--setup-command',
  maxTokens: '--max-tokens',
  maxCost: '--max-cost',
  requestTimeout: '--request-timeout',
  modelTime: '--model-time',
  cacheDir: '--cache-dir',
  maxFunctions: '--max-functions',
  repoBenchSeconds: '--repo-bench-seconds',
};

/** Validates the review flags; a bad value fails with the flag's name and what is allowed. */
export function parseReviewFlags(raw: RawReviewFlags, env: NodeJS.ProcessEnv): ReviewFlags {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const flag = flagNames[key] ?? `--${key}`;
    throw new AfterburnerError('usage', `${flag}: ${issue?.message ?? 'invalid value'}`);
  }
  const flags = result.data;
  const { budget, price } = budgetOf(flags, { maxCost: '--max-cost', price: '--price' });
  const { maxTokens: _tokens, maxCost: _cost, price: _price, requestTimeout, modelTime, ...rest } = flags;
  // With no model configured the offline rule catalog is the provider: no key, no network, no cost.
  const provider = flags.provider ?? (flags.model || flags.baseUrl ? 'openai' : 'rules');
  return {
    ...rest,
    provider,
    budget,
    price,
    requestTimeoutMs: requestTimeout === undefined ? undefined : requestTimeout * 1000,
    modelTimeMs: modelTime === undefined ? undefined : modelTime * 1000,
    minSpeedup: flags.minSpeedup / 100,
    image: flags.image ?? env.AFTERBURNER_IMAGE ?? defaults.image,
    pythonImage: flags.pythonImage ?? env.AFTERBURNER_PYTHON_IMAGE ?? defaults.pythonImage,
  };
}

import { z } from 'zod';
import { AfterburnerError } from '../errors.js';
import type { ProviderName } from '../providers/create-provider.js';
import type { SandboxMode } from '../sandbox/types.js';
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
  testCommand?: string;
  inputs?: string;
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
  testCommand?: string;
  inputs: string;
}

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.strictObject({
  repo: z.string().min(1).default('.'),
  base: z.string({ error: 'is required' }).min(1),
  head: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  json: z.string().min(1).optional(),
  provider: z.enum(['openai', 'rules']).optional(),
  baseUrl: z.url().optional(),
  model: z.string().min(1).optional(),
  iterations: count(1, 20).default(defaults.iterations),
  candidates: count(1, 16).default(defaults.candidates),
  minSpeedup: z.coerce.number().min(0).max(1000).default(defaults.minSpeedupPercent),
  rounds: count(5, 1000).default(defaults.rounds),
  sandbox: z.enum(['auto', 'docker', 'process']).default(defaults.sandbox),
  image: z.string().min(1).optional(),
  testCommand: z.string().min(1).optional(),
  inputs: z.string().min(1).default(defaults.inputsFile),
});

const flagNames: Record<string, string> = {
  baseUrl: '--base-url',
  minSpeedup: '--min-speedup',
  testCommand: '--test-command',
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
  // With no model configured the offline rule catalog is the provider: no key, no network, no cost.
  const provider = flags.provider ?? (flags.model || flags.baseUrl ? 'openai' : 'rules');
  return {
    ...flags,
    provider,
    minSpeedup: flags.minSpeedup / 100,
    image: flags.image ?? env.AFTERBURNER_IMAGE ?? defaults.image,
  };
}

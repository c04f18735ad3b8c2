/**
 * The request bodies of the Monolith-compatible API (docs/serve.md). Field names follow the paper's service
 * (snake_case), so clients written for Monolith work unchanged.
 */
import { z } from 'zod';
import type { ExecutableLanguage } from '../execute/execute-code.js';

/** Every name a client may send, and the interpreter it selects. */
export const languageAliases: Record<string, ExecutableLanguage> = {
  python: 'python',
  python3: 'python',
  javascript: 'javascript',
  js: 'javascript',
  node: 'javascript',
};

export const defaultTimeoutSeconds = 30;
export const maxTimeoutSeconds = 120;

/**
 * A Python dotted module name or an npm package name (scoped or not, with a subpath): passed to the interpreter
 * as an argument, never spliced into code, but a strict shape keeps error messages and cache keys sane.
 */
const libraryName = z
  .string()
  .min(1)
  .max(214)
  .regex(/^@?[A-Za-z0-9_][A-Za-z0-9_.\-]*(\/[A-Za-z0-9_.\-]+)*$/, 'not a module or package name');

export const executeRequestSchema = z.object({
  language: z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .refine((value) => Object.hasOwn(languageAliases, value), {
      message: `unsupported language; supported: ${Object.keys(languageAliases).join(', ')}`,
    })
    .transform((value) => languageAliases[value] as ExecutableLanguage),
  code: z.string().max(512 * 1024),
  libraries: z
    .array(libraryName)
    .max(64)
    .nullish()
    .transform((names) => names ?? []),
  /** Seconds. */
  timeout: z.number().positive().max(maxTimeoutSeconds).default(defaultTimeoutSeconds),
  /** Accepted for compatibility: memory is always measured (peak and integral come from the sandbox). */
  run_memory_profile: z.boolean().nullish(),
});

export type ExecuteRequest = z.output<typeof executeRequestSchema>;

/** One zod error as one line: `timeout: Too big: expected number to be <=120; language: unsupported …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

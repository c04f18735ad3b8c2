import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { type core, z } from 'zod';
import type { DetectFilterOptions, Language } from '../detect/types.js';
import { AfterburnerError } from '../errors.js';

/** More aliases than a hand-written config needs; a "billion laughs" document expands far beyond it. */
const maxAliasCount = 100;

/** Looked up in this order at the repository root; the first that exists is used. */
export const configFileNames = ['.afterburner.yml', '.afterburner.yaml'] as const;

const languages = ['javascript', 'typescript', 'tsx', 'python'] as const satisfies readonly Language[];
const globList = z.array(z.string().min(1, 'must not be empty'));

/**
 * One section per pipeline stage, each a strict object: a stage adds its keys to its own section (or adds a
 * section) and every unknown key anywhere is an error naming it.
 */
const fileConfigSchema = z.strictObject({
  detect: z
    .strictObject({
      include: globList.optional(),
      exclude: globList.optional(),
      languages: z.array(z.enum(languages)).min(1, 'must list at least one language').optional(),
      'max-function-lines': z.number().int().min(1).max(100_000).optional(),
      /** Replaces the default test-file globs. */
      'test-files': globList.optional(),
    })
    .optional(),
});

export type FileConfigInput = z.input<typeof fileConfigSchema>;

/** `.afterburner.yml`, validated and in the shape the stages take. */
export interface FileConfig {
  /** Which file it came from; undefined when there is none (all defaults). */
  source?: string;
  detect: DetectFilterOptions;
}

/**
 * Reads `.afterburner.yml` (or `.yaml`) at `repoDir`. A missing file means defaults; an invalid one is a
 * `usage` error naming the file, the key and what is allowed.
 */
export async function loadFileConfig(repoDir: string): Promise<FileConfig> {
  for (const name of configFileNames) {
    let text: string;
    try {
      text = await readFile(join(repoDir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new AfterburnerError('usage', `${name}: cannot read: ${(error as Error).message}`);
    }
    return parseFileConfig(text, name);
  }
  return { detect: {} };
}

/** Parses and validates the text of a config file; `source` names it in error messages. */
export function parseFileConfig(text: string, source: string = configFileNames[0]): FileConfig {
  const fail = (message: string) => new AfterburnerError('usage', `${source}: ${message}`);
  const document = parseDocument(text);
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const line = syntaxError.linePos?.[0].line;
    throw fail(`invalid YAML${line ? ` at line ${line}` : ''}: ${syntaxError.message.split('\n')[0]}`);
  }
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount }) ?? {};
  } catch (error) {
    // The yaml package throws a plain ReferenceError for an alias bomb or an alias without its anchor.
    throw fail(`invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = fileConfigSchema.safeParse(raw);
  if (!result.success) throw fail(describeIssue(result.error.issues[0]));
  const detect = result.data.detect ?? {};
  return {
    source,
    detect: {
      ...(detect.include ? { include: detect.include } : {}),
      ...(detect.exclude ? { exclude: detect.exclude } : {}),
      ...(detect.languages ? { languages: detect.languages } : {}),
      ...(detect['max-function-lines'] !== undefined
        ? { maxFunctionLines: detect['max-function-lines'] }
        : {}),
      ...(detect['test-files'] ? { testFiles: detect['test-files'] } : {}),
    },
  };
}

function keyPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`))
    .join('');
}

function describeIssue(issue: core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid configuration';
  const at = keyPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.map((key) => `'${at ? `${at}.` : ''}${key}'`).join(', ');
      return `unknown key ${keys}`;
    }
    case 'invalid_value':
      return `${at}: must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_type':
      if (at === '') return 'must be a mapping of keys to values';
      return `${at}: expected ${issue.expected}`;
    default:
      return `${at}: ${issue.message}`;
  }
}

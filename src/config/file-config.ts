import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { type core, z } from 'zod';
import { readFileAt } from '../detect/git.js';
import type { DetectFilterOptions, Language } from '../detect/types.js';
import { AfterburnerError } from '../errors.js';
import type { FileLayer } from './run-config.js';
import { settingFileKey, settings } from './settings.js';

/** More aliases than a hand-written config needs; a "billion laughs" document expands far beyond it. */
const maxAliasCount = 100;

/** Looked up in this order at the repository root; the first that exists is used. */
export const configFileNames = ['.afterburner.yml', '.afterburner.yaml'] as const;

/** One strict object per section, from the settings a file may hold: an unknown key anywhere is an error naming it. */
const fileConfigSchema = z.strictObject(
  Object.fromEntries(
    (['detect', 'sandbox', 'verify', 'optimize', 'publish'] as const).map((section) => [
      section,
      z
        .strictObject(
          Object.fromEntries(
            settings
              .filter((s) => s.section === section && s.sources.file && !s.secret)
              .map((s) => [settingFileKey(s), (s.value as z.ZodType).optional()]),
          ),
        )
        .optional(),
    ]),
  ),
);

/** `.afterburner.yml`, validated: its values by setting name, and the detect section in the shape detection takes. */
export interface FileConfig extends Partial<FileLayer> {
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
  const parsed = result.data as Record<string, Record<string, unknown> | undefined>;
  const values = new Map<string, unknown>();
  for (const setting of settings) {
    const value = parsed[setting.section]?.[settingFileKey(setting)];
    if (value !== undefined) values.set(setting.name, value);
  }
  const detect = (name: string) => values.get(name);
  return {
    source,
    values,
    detect: {
      ...(detect('include') ? { include: detect('include') as string[] } : {}),
      ...(detect('exclude') ? { exclude: detect('exclude') as string[] } : {}),
      ...(detect('languages') ? { languages: detect('languages') as Language[] } : {}),
      ...(detect('max-function-lines') !== undefined
        ? { maxFunctionLines: detect('max-function-lines') as number }
        : {}),
      ...(detect('test-files') ? { testFiles: detect('test-files') as string[] } : {}),
    },
  };
}

/** The config file as committed at `commit` (a review's base), or an empty one when that commit has none. */
export async function loadFileConfigAt(repo: string, commit: string): Promise<FileConfig> {
  for (const name of configFileNames) {
    const blob = await readFileAt(repo, commit, name).catch(() => undefined);
    if (blob) return parseFileConfig(blob.toString('utf8'), `${name} at ${commit.slice(0, 12)}`);
  }
  return { detect: {} };
}

/**
 * The file layers of a run: in a review, every setting may come from the base commit's file and only those that
 * narrow what is looked at from the head's (the work tree's); otherwise the work tree's file is trusted.
 */
export async function loadRunFiles(
  repo: string,
  base?: string,
): Promise<{ trustedFile?: FileLayer; headFile?: FileLayer }> {
  const layer = (file: FileConfig): FileLayer | undefined =>
    file.source && file.values ? { source: file.source, values: file.values } : undefined;
  const tree = layer(await loadFileConfig(repo));
  if (base === undefined) return { trustedFile: tree };
  return { trustedFile: layer(await loadFileConfigAt(repo, base)), headFile: tree };
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

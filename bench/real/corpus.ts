import { readFile } from 'node:fs/promises';

/** One real upstream performance commit: `file`/`function` as they are at the fix's parent. */
export interface CorpusCase {
  id: string;
  /** `owner/name` on GitHub. */
  repo: string;
  /** The upstream commit that made `function` faster (40 hex digits). */
  fix: string;
  file: string;
  /** Qualified name as `afterburner targets` prints it. */
  function: string;
  language: 'javascript' | 'typescript' | 'python';
  runner: string;
  /** Directory (repository-relative) where `install` and `test` run. */
  packageDir: string;
  /** Shell command; empty when nothing needs installing. */
  install: string;
  test: string;
  classes: string[];
  why: string;
}

const required = ['id', 'repo', 'fix', 'file', 'function', 'language', 'runner', 'test'] as const;

function checkCase(value: unknown, where: string): CorpusCase {
  if (typeof value !== 'object' || value === null) throw new Error(`${where}: not an object`);
  const entry = value as Record<string, unknown>;
  for (const key of required) {
    if (typeof entry[key] !== 'string' || entry[key] === '')
      throw new Error(`${where}: "${key}" must be a string`);
  }
  if (!/^[0-9a-f]{40}$/.test(entry.fix as string)) throw new Error(`${where}: "fix" must be 40 hex digits`);
  if (!/^[\w.-]+\/[\w.-]+$/.test(entry.repo as string))
    throw new Error(`${where}: "repo" must be owner/name`);
  if (entry.install !== undefined && typeof entry.install !== 'string')
    throw new Error(`${where}: "install" must be a string`);
  return {
    ...(entry as unknown as CorpusCase),
    install: (entry.install as string | undefined) ?? '',
    packageDir: typeof entry.packageDir === 'string' && entry.packageDir !== '' ? entry.packageDir : '.',
    classes: Array.isArray(entry.classes) ? (entry.classes as string[]) : [],
    why: typeof entry.why === 'string' ? entry.why : '',
  };
}

/** Reads a manifest: a JSON array of cases, or `{ "cases": [...] }`. Ids must be unique. */
export async function loadCorpus(file: string): Promise<CorpusCase[]> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
  const list = Array.isArray(parsed) ? parsed : (parsed as { cases?: unknown }).cases;
  if (!Array.isArray(list)) throw new Error(`${file}: expected an array of cases or { "cases": [...] }`);
  const cases = list.map((entry, i) => checkCase(entry, `${file} case ${i + 1}`));
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) throw new Error(`${file}: duplicate id ${c.id}`);
    seen.add(c.id);
  }
  return cases;
}

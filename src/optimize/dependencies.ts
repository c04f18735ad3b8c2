import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Language } from '../detect/types.js';
import { pluginFor } from '../languages/index.js';

/** What a candidate may import besides the standard library: the project's own declared dependencies. */
export interface ProjectDependencies {
  /** npm package names from package.json (dependencies, dev, peer, optional). */
  node: string[];
  /** Python import names: declared distributions (normalized) and the project's own top-level packages. */
  python: string[];
}

export const noDependencies: ProjectDependencies = { node: [], python: [] };

// Distributions whose import name differs from the name they are installed under.
const pythonImportNames: Record<string, string> = {
  pyyaml: 'yaml',
  'scikit-learn': 'sklearn',
  pillow: 'pil',
  beautifulsoup4: 'bs4',
  'python-dateutil': 'dateutil',
  'opencv-python': 'cv2',
  attrs: 'attr',
  protobuf: 'google',
};

export const normalizePython = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '_');

/** Read access to one version of a project: a directory on disk, a commit, or a commit through the GitHub API. */
export interface ProjectFiles {
  /** A file's text, or undefined when it is missing or unreadable. */
  read(path: string): Promise<string | undefined>;
  /** The entries of a directory ('' is the root), or none when it is missing. */
  list(dir: string): Promise<{ name: string; directory: boolean }[]>;
}

/** The project as it is on disk under `dir`. */
export function localProjectFiles(dir: string): ProjectFiles {
  return {
    read: (path) => readFile(join(dir, path), 'utf8').catch(() => undefined),
    list: async (path) =>
      (await readdir(join(dir, path), { withFileTypes: true }).catch(() => [])).map((e) => ({
        name: e.name,
        directory: e.isDirectory(),
      })),
  };
}

async function nodeDependencies(files: ProjectFiles): Promise<string[]> {
  const text = await files.read('package.json');
  if (!text) return [];
  try {
    const manifest = JSON.parse(text) as Record<string, unknown>;
    const fields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
    return fields.flatMap((field) => {
      const value = manifest[field];
      return value && typeof value === 'object' ? Object.keys(value) : [];
    });
  } catch {
    return [];
  }
}

/** Requirement names from requirements*.txt and pyproject.toml (PEP 621 arrays and Poetry tables). */
function pythonRequirementNames(text: string, format: 'requirements' | 'pyproject'): string[] {
  const requirement = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/;
  if (format === 'requirements') {
    return text
      .split('\n')
      .filter((line) => !/^\s*(#|-)/.test(line))
      .map((line) => requirement.exec(line)?.[1])
      .filter((name): name is string => Boolean(name));
  }
  const names: string[] = [];
  // Quoted requirement strings inside any `dependencies = [...]`-style array.
  for (const array of text.matchAll(/^\s*[\w-]*dependencies\s*=\s*\[([\s\S]*?)\]/gm)) {
    for (const quoted of (array[1] ?? '').matchAll(/["']([^"']+)["']/g)) {
      const name = requirement.exec(quoted[1] ?? '')?.[1];
      if (name) names.push(name);
    }
  }
  for (const table of text.matchAll(
    /^\[tool\.poetry\.[\w.-]*dependencies\]\n([\s\S]*?)(?=^\[|(?![\s\S]))/gm,
  )) {
    for (const key of (table[1] ?? '').matchAll(/^\s*([A-Za-z0-9][\w.-]*)\s*=/gm)) {
      if (key[1] && key[1] !== 'python') names.push(key[1]);
    }
  }
  return names;
}

async function pythonDependencies(files: ProjectFiles): Promise<string[]> {
  const names: string[] = [];
  const rootEntries = await files.list('');
  for (const entry of rootEntries.filter((e) => !e.directory && /^requirements.*\.txt$/.test(e.name))) {
    names.push(...pythonRequirementNames((await files.read(entry.name)) ?? '', 'requirements'));
  }
  const pyproject = await files.read('pyproject.toml');
  if (pyproject) names.push(...pythonRequirementNames(pyproject, 'pyproject'));
  const imports = names.map((n) => normalizePython(pythonImportNames[n.toLowerCase()] ?? n));
  // The project's own modules and packages, at the root or under src/.
  const srcEntries = rootEntries.some((e) => e.directory && e.name === 'src') ? await files.list('src') : [];
  for (const entry of [...rootEntries, ...srcEntries]) {
    if (entry.directory && !entry.name.startsWith('.')) imports.push(normalizePython(entry.name));
    else if (!entry.directory && entry.name.endsWith('.py'))
      imports.push(normalizePython(entry.name.slice(0, -3)));
  }
  return [...new Set(imports)];
}

/** The dependencies a project declares; a missing or broken manifest means none. */
export async function projectDependencies(files: ProjectFiles): Promise<ProjectDependencies> {
  return { node: await nodeDependencies(files), python: await pythonDependencies(files) };
}

/** Reads the dependencies a repository on disk already declares; a missing or broken manifest means none. */
export async function readProjectDependencies(dir: string): Promise<ProjectDependencies> {
  return projectDependencies(localProjectFiles(dir));
}

/** The first module an import would need that is neither standard library, project code, nor declared. */
export function newDependencyOf(
  statement: string,
  language: Language,
  dependencies: ProjectDependencies,
): string | undefined {
  const { imports } = pluginFor(language);
  for (const specifier of imports.modules(statement)) {
    const needed = imports.newDependency(specifier, dependencies);
    if (needed) return needed;
  }
  return undefined;
}

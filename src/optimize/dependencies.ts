import { readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import type { Language } from '../detect/types.js';
import { pythonStdlibModules } from './python-stdlib.js';

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

const normalizePython = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '_');

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

async function nodeDependencies(dir: string): Promise<string[]> {
  const text = await readText(join(dir, 'package.json'));
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

async function pythonDependencies(dir: string): Promise<string[]> {
  const names: string[] = [];
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries.filter((e) => /^requirements.*\.txt$/.test(e))) {
    names.push(...pythonRequirementNames((await readText(join(dir, entry))) ?? '', 'requirements'));
  }
  const pyproject = await readText(join(dir, 'pyproject.toml'));
  if (pyproject) names.push(...pythonRequirementNames(pyproject, 'pyproject'));
  const imports = names.map((n) => normalizePython(pythonImportNames[n.toLowerCase()] ?? n));
  // The project's own modules and packages, at the root or under src/.
  for (const root of [dir, join(dir, 'src')]) {
    for (const entry of await readdir(root, { withFileTypes: true }).catch(() => [])) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) imports.push(normalizePython(entry.name));
      else if (entry.isFile() && entry.name.endsWith('.py'))
        imports.push(normalizePython(entry.name.slice(0, -3)));
    }
  }
  return [...new Set(imports)];
}

/** Reads the dependencies a repository already declares; a missing or broken manifest means none. */
export async function readProjectDependencies(dir: string): Promise<ProjectDependencies> {
  return { node: await nodeDependencies(dir), python: await pythonDependencies(dir) };
}

/** Module specifiers an import statement (or `require` declaration) names. */
export function importedModules(statement: string, language: Language): string[] {
  if (language === 'python') {
    const from = /^\s*from\s+(\S+)\s+import\b/.exec(statement);
    if (from?.[1]) return [from[1]];
    const plain = /^\s*import\s+([\s\S]+)$/.exec(statement);
    if (!plain?.[1]) return [];
    return plain[1]
      .split(',')
      .map((part) => part.trim().split(/\s+/)[0] ?? '')
      .filter(Boolean);
  }
  return [...statement.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)(['"])([^'"]+)\1/g)].map(
    (m) => m[2] as string,
  );
}

function nodePackageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** The first module an import would need that is neither standard library, project code, nor declared. */
export function newDependencyOf(
  statement: string,
  language: Language,
  dependencies: ProjectDependencies,
): string | undefined {
  for (const specifier of importedModules(statement, language)) {
    if (language === 'python') {
      if (specifier.startsWith('.')) continue;
      const top = specifier.split('.')[0] ?? specifier;
      if (pythonStdlibModules.has(top) || dependencies.python.includes(normalizePython(top))) continue;
      return top;
    }
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
    const name = nodePackageName(specifier);
    if (builtinModules.includes(name) || dependencies.node.includes(name)) continue;
    return name;
  }
  return undefined;
}

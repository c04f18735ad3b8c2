import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';

// `npm init` writes this placeholder; running it only proves that there are no tests.
const npmPlaceholder = /no test specified/;

export interface PackageManifest {
  type?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface OwningPackage {
  /** The package's directory relative to the repository root ('' for the root). */
  dir: string;
  manifest: PackageManifest;
  /** Its test script, when it has a real one. */
  testScript?: string;
}

async function readManifest(file: string): Promise<PackageManifest | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PackageManifest;
  } catch {
    return undefined;
  }
}

function realTestScript(manifest: PackageManifest): string | undefined {
  const script = manifest.scripts?.test;
  return script && !npmPlaceholder.test(script) ? script : undefined;
}

/** Directories from the file's own up to the root: 'a/b', 'a', ''. */
function ancestors(filePath: string): string[] {
  const dirs: string[] = [];
  for (let dir = posix.dirname(filePath); ; dir = posix.dirname(dir)) {
    dirs.push(dir === '.' ? '' : dir);
    if (dir === '.' || dir === '/' || dir === '') break;
  }
  return dirs;
}

/**
 * The package whose tests cover a file: the nearest package.json above it with a test script (a workspace of an
 * npm, yarn or pnpm monorepo), else the root package.
 */
export async function owningPackage(sourceDir: string, filePath: string): Promise<OwningPackage> {
  for (const dir of ancestors(filePath)) {
    const manifest = await readManifest(join(sourceDir, dir, 'package.json'));
    const testScript = manifest && realTestScript(manifest);
    if (manifest && testScript) return { dir, manifest, testScript };
  }
  return { dir: '', manifest: (await readManifest(join(sourceDir, 'package.json'))) ?? {} };
}

/** The `type` field of the package.json nearest to the file: what decides how Node loads a `.js` file. */
export async function nearestPackageType(sourceDir: string, filePath: string): Promise<string | undefined> {
  for (const dir of ancestors(filePath)) {
    const manifest = await readManifest(join(sourceDir, dir, 'package.json'));
    if (manifest) return manifest.type;
  }
  return undefined;
}

/** Every directory from the package's up to the root, each of whose node_modules/.bin `npm test` puts on PATH. */
export function binDirs(packageDir: string): string[] {
  return packageDir ? ancestors(`${packageDir}/package.json`) : [''];
}

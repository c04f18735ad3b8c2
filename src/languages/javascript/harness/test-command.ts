import { owningPackage } from './js-package.js';

/**
 * The repository's own test command: the `test` script of the package that owns the file (the nearest package.json
 * above it with one: a monorepo's workspace, else the root), run with `sh -c` in that package and its
 * node_modules/.bin on PATH (what `npm test` does), so the sandbox image needs Node but not npm.
 */
export async function resolveTestCommand(
  sourceDir: string,
  override?: string,
  filePath = 'package.json',
): Promise<string | undefined> {
  if (override) return override;
  return (await owningPackage(sourceDir, filePath)).testScript;
}

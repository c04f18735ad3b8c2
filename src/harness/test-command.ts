import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

// `npm init` writes this placeholder; running it only proves that there are no tests.
const npmPlaceholder = /no test specified/;

/**
 * The repository's own test command: the `test` script of package.json, run with `sh -c` and node_modules/.bin
 * on PATH (what `npm test` does), so the sandbox image needs Node but not npm.
 */
export async function resolveTestCommand(sourceDir: string, override?: string): Promise<string | undefined> {
  if (override) return override;
  try {
    const manifest = JSON.parse(await readFile(join(sourceDir, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    const script = manifest.scripts?.test;
    if (!script || npmPlaceholder.test(script)) return undefined;
    return script;
  } catch {
    return undefined;
  }
}

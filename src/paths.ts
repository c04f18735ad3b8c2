import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// This module sits at the root of src/ so that, once bundled, import.meta.url is dist/<entry>.js and the same
// relative paths find the files the build copies next to the bundle.
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Directory holding the scripts that run inside the sandbox (src/harness/node in source, dist/harness/node bundled). */
export const nodeHarnessDir = join(here, 'harness', 'node');

/** Directory holding the Python scripts that run inside the sandbox (src/harness/python, or dist/harness/python). */
export const pythonHarnessDir = join(here, 'harness', 'python');

/** Absolute path of a tree-sitter wasm file: copied into dist/wasm by the build, else from node_modules. */
export function wasmPath(file: string): string {
  const bundled = join(here, 'wasm', file);
  if (existsSync(bundled)) return bundled;
  // web-tree-sitter's exports map names a file it does not ship, so find it beside the package's entry.
  if (file === 'tree-sitter.wasm') return join(dirname(require.resolve('web-tree-sitter')), file);
  return require.resolve(`@vscode/tree-sitter-wasm/wasm/${file}`);
}

/** Root of the afterburner package (fixtures live here). */
export const packageRoot = existsSync(join(here, '..', 'package.json')) ? join(here, '..') : here;

// Module hooks registered by ts-loader.mjs (they run on Node's loader thread): resolve what TypeScript projects
// import, and compile TypeScript/JSX that runs as an ES module. Files that run as CommonJS are left to the
// CommonJS loader, which ts-loader.mjs taught to compile them.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  compiledExtensions,
  formatFor,
  resolveFallback,
  resolvePaths,
  transformOptions,
} from './ts-resolve.mjs';

const { transform } = createRequire(import.meta.url)('./sucrase.cjs');
let fallbackFormat = 'commonjs';

export function initialize(data) {
  if (data?.fallbackFormat === 'module') fallbackFormat = 'module';
}

/** Directory of the importing module when it is a project file (packages keep Node's own resolution). */
function projectDir(parentURL) {
  if (!parentURL?.startsWith('file:')) return undefined;
  const parent = fileURLToPath(parentURL);
  return parent.includes('/node_modules/') ? undefined : dirname(parent);
}

export async function resolve(specifier, context, nextResolve) {
  const dir = projectDir(context.parentURL);
  const aliased = dir && resolvePaths(specifier, dir);
  if (aliased) return { url: pathToFileURL(aliased).href, shortCircuit: true };
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const found = dir && resolveFallback(specifier, dir);
    if (found) return { url: pathToFileURL(found).href, shortCircuit: true };
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  if (!compiledExtensions.includes(extname(file))) return nextLoad(url, context);
  const format = formatFor(file, fallbackFormat);
  // No source: Node hands the file to the CommonJS loader, whose require hooks compile it.
  if (format === 'commonjs') return { format, shortCircuit: true };
  const { code } = transform(readFileSync(file, 'utf8'), transformOptions(file, format));
  return { format, source: code, shortCircuit: true };
}

// Module hooks registered by ts-loader.mjs (they run on Node's loader thread): resolve what TypeScript projects
// import, and compile TypeScript/JSX that runs as an ES module. Files that run as CommonJS are compiled by the
// CommonJS loader, which ts-loader.mjs taught to; an ES module sees them through a facade.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  compiledExtensions,
  formatFor,
  isEsmInCommonJs,
  resolveFallback,
  resolvePaths,
  transformOptions,
} from './ts-resolve.mjs';

const require = createRequire(import.meta.url);
let sucrase;
function transform(code, options) {
  sucrase ??= require('./sucrase.cjs');
  return sucrase.transform(code, options);
}
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

/** Names a CommonJS module compiled by sucrase assigns to (`exports.x =`), for an ES module importing it. */
function exportedNames(code) {
  const names = new Set();
  for (const match of code.matchAll(/\bexports\.([A-Za-z_$][\w$]*)\s*=(?!=)/g)) names.add(match[1]);
  names.delete('default');
  names.delete('__esModule');
  return [...names];
}

/**
 * A TypeScript file that runs as CommonJS, seen from an ES module: Node would read its named exports from the
 * uncompiled source, so this facade requires it (the CommonJS loader compiles it, see ts-loader.mjs) and
 * re-exports what the compiled code assigns; default is module.exports, as Node does for CommonJS.
 */
function commonJsFacade(file) {
  const compiled = transform(readFileSync(file, 'utf8'), transformOptions(file, 'commonjs')).code;
  const names = exportedNames(compiled);
  return [
    "import { createRequire } from 'node:module';",
    `const exported = createRequire(import.meta.url)(${JSON.stringify(file)});`,
    'export default exported;',
    // `export { a as name }` takes any name, reserved words included.
    ...names.map(
      (name, i) => `const a${i} = exported[${JSON.stringify(name)}]; export { a${i} as ${name} };`,
    ),
  ].join('\n');
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  // Node 20 would run it as an ES module by syntax, without the project's extensionless imports; Node 18 as
  // CommonJS, where import is a syntax error: both get it compiled to CommonJS, as the project's transform does.
  if (isEsmInCommonJs(file)) {
    return { format: 'module', source: commonJsFacade(file), shortCircuit: true };
  }
  if (!compiledExtensions.includes(extname(file))) return nextLoad(url, context);
  const format = formatFor(file, fallbackFormat);
  const source =
    format === 'commonjs'
      ? commonJsFacade(file)
      : transform(readFileSync(file, 'utf8'), transformOptions(file, format)).code;
  return { format: 'module', source, shortCircuit: true };
}

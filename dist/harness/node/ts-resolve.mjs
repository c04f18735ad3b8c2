// Runs inside the sandbox, for ts-loader.mjs: finds the file a TypeScript project means by an import the way
// TypeScript and the bundler-based test runners do (Node alone does not): `./x.js` written for `./x.ts`,
// extensionless and directory imports, tsconfig `paths` and `baseUrl` (nearest tsconfig.json, `extends` followed),
// and which module format and interop the project's own tool chain would compile a file to.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const typeScriptExtensions = ['.ts', '.tsx', '.mts', '.cts'];
/** Extensions this loader compiles; everything else is Node's. */
export const compiledExtensions = [...typeScriptExtensions, '.jsx'];
const probeExtensions = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
/** What a TypeScript import written with a JavaScript extension may stand for on disk. */
const sourceFor = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The file an import of `path` (absolute, as written) stands for: itself, its TypeScript source, the path with
 * an extension added, or a directory's index; undefined when none exists.
 */
export function probeFile(path) {
  if (isFile(path)) return path;
  const extension = extname(path);
  for (const replacement of sourceFor[extension] ?? []) {
    const source = path.slice(0, -extension.length) + replacement;
    if (isFile(source)) return source;
  }
  for (const added of probeExtensions) if (isFile(path + added)) return path + added;
  if (isDirectory(path)) {
    for (const added of probeExtensions)
      if (isFile(join(path, `index${added}`))) return join(path, `index${added}`);
  }
  return undefined;
}

/** JSON with comments and trailing commas, as tsconfig.json allows. */
export function parseJsonc(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += c;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

function extendedConfigPath(reference, fromDir) {
  if (reference.startsWith('.') || isAbsolute(reference)) {
    const path = resolve(fromDir, reference);
    return isFile(path) ? path : isFile(`${path}.json`) ? `${path}.json` : undefined;
  }
  const require = createRequire(join(fromDir, 'tsconfig.json'));
  for (const candidate of [reference, `${reference}.json`, `${reference}/tsconfig.json`]) {
    try {
      return require.resolve(candidate);
    } catch {
      // next form
    }
  }
  return undefined;
}

/**
 * compilerOptions of one tsconfig file with its `extends` chain applied; `paths` and `baseUrl` are made absolute
 * (relative to the file that declares them, as TypeScript does). Unreadable files count as empty.
 */
export function readTsconfig(file, seen = new Set()) {
  if (seen.has(file)) return {};
  seen.add(file);
  let config;
  try {
    config = parseJsonc(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
  const dir = dirname(file);
  let options = {};
  const parents = Array.isArray(config.extends) ? config.extends : config.extends ? [config.extends] : [];
  for (const parent of parents) {
    const path = typeof parent === 'string' ? extendedConfigPath(parent, dir) : undefined;
    if (path) options = { ...options, ...readTsconfig(path, seen) };
  }
  const own = { ...(config.compilerOptions ?? {}) };
  if (typeof own.baseUrl === 'string') own.baseUrl = resolve(dir, own.baseUrl);
  if (own.paths && typeof own.paths === 'object') own.pathsBase = own.baseUrl ?? dir;
  return { ...options, ...own, pathsBase: own.pathsBase ?? options.pathsBase };
}

const tsconfigCache = new Map();

/** compilerOptions of the nearest tsconfig.json above `dir` (cached per directory), {} when there is none. */
export function tsconfigFor(dir) {
  if (tsconfigCache.has(dir)) return tsconfigCache.get(dir);
  const file = join(dir, 'tsconfig.json');
  const parent = dirname(dir);
  const options = isFile(file) ? readTsconfig(file) : parent === dir ? {} : tsconfigFor(parent);
  tsconfigCache.set(dir, options);
  return options;
}

/** Files a bare specifier maps to through tsconfig `paths` (longest matching prefix wins), in order. */
export function mapPaths(specifier, options) {
  if (!options.paths || !options.pathsBase) return [];
  let best;
  for (const [pattern, substitutes] of Object.entries(options.paths)) {
    const star = pattern.indexOf('*');
    const prefix = star < 0 ? pattern : pattern.slice(0, star);
    const suffix = star < 0 ? '' : pattern.slice(star + 1);
    const matches =
      star < 0
        ? specifier === pattern
        : specifier.length >= prefix.length + suffix.length &&
          specifier.startsWith(prefix) &&
          specifier.endsWith(suffix);
    if (matches && Array.isArray(substitutes) && (!best || prefix.length > best.prefix.length)) {
      const captured = star < 0 ? '' : specifier.slice(prefix.length, specifier.length - suffix.length);
      best = { prefix, substitutes, captured };
    }
  }
  return (best?.substitutes ?? []).map((s) => resolve(options.pathsBase, s.replace('*', best.captured)));
}

function isBare(specifier) {
  return !/^(\.{1,2}(\/|$)|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
}

/**
 * The project file a bare specifier names through tsconfig `paths`, from a module in `fromDir`. TypeScript tries
 * `paths` before node_modules, so this comes first; undefined when it maps nowhere that exists.
 */
export function resolvePaths(specifier, fromDir) {
  if (!isBare(specifier)) return undefined;
  for (const target of mapPaths(specifier, tsconfigFor(fromDir))) {
    const file = probeFile(target);
    if (file) return file;
  }
  return undefined;
}

/**
 * What an import Node could not resolve from a module in `fromDir` stands for in a TypeScript project: a relative
 * or absolute path probed for its TypeScript source, extension or index file; a bare one under tsconfig `baseUrl`
 * (tried after node_modules, so that a package never loses to a same-named directory).
 */
export function resolveFallback(specifier, fromDir) {
  if (specifier.startsWith('file:')) return probeFile(fileURLToPath(specifier));
  if (!isBare(specifier))
    return /^[a-z][a-z0-9+.-]*:/i.test(specifier) ? undefined : probeFile(resolve(fromDir, specifier));
  const { baseUrl } = tsconfigFor(fromDir);
  return baseUrl ? probeFile(resolve(baseUrl, specifier)) : undefined;
}

function packageTypeFor(dir) {
  const manifest = join(dir, 'package.json');
  if (isFile(manifest)) {
    try {
      return JSON.parse(readFileSync(manifest, 'utf8')).type ?? 'commonjs';
    } catch {
      return 'commonjs';
    }
  }
  const parent = dirname(dir);
  return parent === dir ? 'commonjs' : packageTypeFor(parent);
}

/**
 * The format a compiled file runs as: fixed by .mts/.cts, else ESM in a "type": "module" package, else what the
 * project's test runner compiles to (`fallback`: jest, ts-jest and babel-jest compile to CommonJS; vitest runs ESM).
 */
export function formatFor(file, fallback) {
  const extension = extname(file);
  if (extension === '.mts') return 'module';
  if (extension === '.cts') return 'commonjs';
  return packageTypeFor(dirname(file)) === 'module' ? 'module' : fallback;
}

/** Import/export syntax at the start of a line: an ES module, whatever its package says. */
export const moduleSyntax = /^\s*(import\s*[\w{*'"]|export\s)/m;

/**
 * A project `.js` file written as an ES module in a package Node loads as CommonJS: a project that compiles on
 * the fly (@babel/register, ramda) and whose files the loader must compile the same way.
 */
export function isEsmInCommonJs(file, readText = () => readFileSync(file, 'utf8')) {
  return (
    file.endsWith('.js') &&
    !file.includes('/node_modules/') &&
    packageTypeFor(dirname(file)) !== 'module' &&
    moduleSyntax.test(readText())
  );
}

/** Options for sucrase's transform of `file` to `format`, from the project's tsconfig. */
export function transformOptions(file, format) {
  const options = tsconfigFor(dirname(file));
  const extension = extname(file);
  const transforms = [];
  if (extension !== '.jsx' && extension !== '.js') transforms.push('typescript');
  if (extension === '.tsx' || extension === '.jsx') transforms.push('jsx');
  if (format === 'commonjs') transforms.push('imports');
  const classic = options.jsx === 'react';
  return {
    transforms,
    filePath: file,
    disableESTransforms: true,
    preserveDynamicImport: true,
    // Without esModuleInterop, TypeScript's `import * as x` is the plain module.exports (callable if a function).
    enableLegacyTypeScriptModuleInterop: format === 'commonjs' && options.esModuleInterop !== true,
    keepUnusedImports: options.verbatimModuleSyntax === true,
    jsxRuntime: classic ? 'classic' : 'automatic',
    jsxImportSource: options.jsxImportSource,
    jsxPragma: options.jsxFactory,
    jsxFragmentPragma: options.jsxFragmentFactory,
    production: options.jsx !== 'react-jsxdev',
  };
}

// Runs inside the sandbox: `node --import ./ts-loader.mjs …` loads TypeScript and JSX the way the project's test
// runner does (vitest, jest with ts-jest or babel-jest), without the project having a loader of its own.
//
// Transpiler: sucrase, bundled into sucrase.cjs beside this file (pure JavaScript, ~300 kB, any platform).
// esbuild is a native binary per platform and libc that the sandbox's tree does not hold (esbuild-wasm is 10 MB
// more to ship); Node's own type stripping needs Node 22.6+ (the local image runs Node 18) and handles neither
// TSX nor enums; the project's tsx is missing in most TypeScript projects. Measured (CPU seconds, median of 5,
// Node 20, importing each library's src/index.ts graph): unjs/ufo (7 files, 1.6k lines) 0.37 as ESM, 0.56 as
// CommonJS, 0.58 with tsx 4.23; sodiray/radash (10 files, 2.4k lines) 0.73 / 0.78, tsx 0.80; bare `node -e ''`
// 0.11, this loader with nothing to load 0.25. So no slower than tsx, and it also works where tsx is absent.
//
// Format: .mts is ESM and .cts CommonJS; other files are ESM in a "type": "module" package, else whatever
// AFTERBURNER_TS_FORMAT says the tests compile to (jest: CommonJS, with TypeScript's interop; vitest: ESM).
import { readFileSync } from 'node:fs';
import Module, { createRequire, register } from 'node:module';
import { dirname } from 'node:path';
import {
  compiledExtensions,
  isEsmInCommonJs,
  resolveFallback,
  resolvePaths,
  transformOptions,
} from './ts-resolve.mjs';

const fallbackFormat = process.env.AFTERBURNER_TS_FORMAT === 'module' ? 'module' : 'commonjs';
register('./ts-hooks.mjs', import.meta.url, { data: { fallbackFormat } });

const require = createRequire(import.meta.url);
let sucrase;
/** Loaded on first use: a run that compiles nothing to CommonJS never pays for it on this thread. */
function transform(code, options) {
  sucrase ??= require('./sucrase.cjs');
  return sucrase.transform(code, options);
}

for (const extension of compiledExtensions) {
  Module._extensions[extension] = (module, filename) => {
    const { code } = transform(readFileSync(filename, 'utf8'), transformOptions(filename, 'commonjs'));
    module._compile(code, filename);
  };
}

// A `.js` file with import/export syntax that Node loads as CommonJS (its package is not "type": "module") is
// what a project compiled on the fly with @babel/register or similar (ramda): compile its imports to requires,
// as that project's own transform does. Anything Node can load as it is goes to Node unchanged.
const loadJs = Module._extensions['.js'];
Module._extensions['.js'] = (module, filename) => {
  let text = '';
  if (!isEsmInCommonJs(filename, () => (text = readFileSync(filename, 'utf8'))))
    return loadJs(module, filename);
  module._compile(transform(text, transformOptions(filename, 'commonjs')).code, filename);
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const from =
    parent?.filename && !parent.filename.includes('/node_modules/') ? dirname(parent.filename) : undefined;
  const aliased = from && resolvePaths(request, from);
  if (aliased) return aliased;
  try {
    return resolveFilename.call(this, request, parent, ...rest);
  } catch (error) {
    const found = from && error?.code === 'MODULE_NOT_FOUND' && resolveFallback(request, from);
    if (found) return found;
    throw error;
  }
};

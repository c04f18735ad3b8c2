// Bundles the Action (dist/index.js) and the CLI (dist/cli.js), and copies the files they load at run time:
// tree-sitter wasm grammars and the harness scripts that run inside the sandbox.
// `node scripts/build.mjs --outdir DIR` builds elsewhere (the staleness test compares DIR with dist/).
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flag = process.argv.indexOf('--outdir');
const outdir = flag >= 0 ? resolve(process.argv[flag + 1]) : join(root, 'dist');
const require = createRequire(import.meta.url);

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

// CommonJS dependencies (dockerode, ssh2) call require() and read __dirname; give the ESM bundle both.
const requireShim = [
  "import { createRequire as __abCreateRequire } from 'node:module';",
  "import { dirname as __abDirname } from 'node:path';",
  "import { fileURLToPath as __abFileURLToPath } from 'node:url';",
  'const require = __abCreateRequire(import.meta.url);',
  'const __filename = __abFileURLToPath(import.meta.url);',
  'const __dirname = __abDirname(__filename);',
].join('\n');
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  // Optional native accelerators of ssh2 (pulled in by dockerode); loaded in try/catch, absent here.
  external: ['cpu-features', '*.node'],
};

await build({
  ...common,
  entryPoints: [join(root, 'src/action/index.ts')],
  outfile: join(outdir, 'index.js'),
  banner: { js: requireShim },
});
await build({
  ...common,
  entryPoints: [join(root, 'src/cli/index.ts')],
  outfile: join(outdir, 'cli.js'),
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
});

const wasmDir = join(outdir, 'wasm');
mkdirSync(wasmDir, { recursive: true });
cpSync(
  join(dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm'),
  join(wasmDir, 'tree-sitter.wasm'),
);
for (const grammar of ['javascript', 'typescript', 'tsx', 'python']) {
  const file = `tree-sitter-${grammar}.wasm`;
  cpSync(require.resolve(`@vscode/tree-sitter-wasm/wasm/${file}`), join(wasmDir, file));
}
cpSync(join(root, 'src/harness/node'), join(outdir, 'harness/node'), {
  recursive: true,
  filter: (source) => !source.endsWith('sucrase.cjs'),
});
// The sandbox's TypeScript transpiler (src/languages/javascript/harness/sucrase-bundle.ts bundles the same entry when run from source).
await build({
  stdin: {
    contents: "module.exports = { transform: require('sucrase').transform };",
    resolveDir: root,
    loader: 'js',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  outfile: join(outdir, 'harness/node/sucrase.cjs'),
});
cpSync(join(root, 'src/harness/python'), join(outdir, 'harness/python'), {
  recursive: true,
  filter: (source) => !source.includes('__pycache__'),
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nodeHarnessDir, packageRoot } from '../../../paths.js';

/** The TypeScript loader's files, copied into the sandbox beside the other harness scripts. */
export const typeScriptLoaderFiles = ['ts-loader.mjs', 'ts-hooks.mjs', 'ts-resolve.mjs', 'sucrase.cjs'];

/** What scripts/build.mjs bundles into dist/harness/node/sucrase.cjs (keep the two in step). */
export const sucraseEntry = "module.exports = { transform: require('sucrase').transform };";

let pending: Promise<void> | undefined;

/**
 * Makes sure the sandbox's transpiler bundle is beside the harness scripts. The build writes it into dist; when
 * afterburner runs from source (tests, vite-node) it is bundled here on first use with esbuild, a dev dependency.
 */
export function ensureSucraseBundle(): Promise<void> {
  const outfile = join(nodeHarnessDir, 'sucrase.cjs');
  if (existsSync(outfile)) return Promise.resolve();
  pending ??= (async () => {
    // A computed name keeps the bundler from pulling esbuild into dist (where this branch never runs).
    const name = 'esbuild';
    const { build } = (await import(/* @vite-ignore */ name)) as typeof import('esbuild');
    await build({
      stdin: { contents: sucraseEntry, resolveDir: packageRoot, loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      minify: true,
      legalComments: 'none',
      logLevel: 'warning',
      outfile,
    });
  })();
  return pending;
}

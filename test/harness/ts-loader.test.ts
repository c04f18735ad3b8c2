import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSucraseBundle } from '../../src/languages/javascript/harness/sucrase-bundle.js';
import { nodeHarnessDir } from '../../src/paths.js';

const run = promisify(execFile);

let root: string;

async function files(tree: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(tree)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** Imports `entry` with the loader the way the verify runner does, and returns what it put in globalThis.out. */
async function load(entry: string, env: Record<string, string> = {}): Promise<unknown> {
  const script = `await import(${JSON.stringify(join(root, entry))}); console.log(JSON.stringify(globalThis.out));`;
  const { stdout } = await run(
    process.execPath,
    ['--import', join(nodeHarnessDir, 'ts-loader.mjs'), '--input-type=module', '-e', script],
    { cwd: root, env: { PATH: process.env.PATH ?? '', ...env } },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) as string);
}

beforeAll(async () => {
  await ensureSucraseBundle();
  root = await mkdtemp(join(tmpdir(), 'afterburner-ts-loader-'));
  await files({
    // A package in "type": "module" with the import styles TypeScript projects write.
    'esm/package.json': '{ "type": "module" }',
    'esm/tsconfig.json': `{
      // comments and trailing commas, as tsconfig allows
      "extends": "./config/base.json",
      "compilerOptions": { "strict": true, },
    }`,
    'esm/config/base.json':
      '{ "compilerOptions": { "baseUrl": "..", "paths": { "@lib/*": ["src/lib/*"] } } }',
    'esm/src/lib/color.ts': 'export enum Color { Red = 1, Green }\n',
    'esm/src/lib/shape/index.ts': 'export const sides = (n: number): number => n;\n',
    'esm/src/helpers.ts': 'export function twice<T>(x: T): T[] { return [x, x]; }\n',
    'esm/src/view.tsx': 'export const View = (p: { n: number }) => <b title="n">{p.n}</b>;\n',
    'esm/src/main.ts': [
      "import { Color } from '@lib/color';",
      "import { sides } from './lib/shape';",
      "import { twice } from './helpers.js';",
      "import type { Missing } from './types';",
      "import { View } from './view.jsx';",
      "import { fromBase } from 'src/lib/base-url';",
      "import { answer } from 'pkg';",
      'const m: Missing | undefined = undefined;',
      'globalThis.out = { color: Color.Green, sides: sides(3), twice: twice(1), view: View({ n: 2 }),',
      '  fromBase, answer, esm: typeof require === "undefined", m };',
    ].join('\n'),
    'esm/src/lib/base-url.ts': "export const fromBase: string = 'base-url';\n",
    'esm/pkg.ts': "export const answer: string = 'under baseUrl';\n",
    // A same-named package wins over baseUrl (node_modules before baseUrl), but loses to a paths entry.
    'esm/node_modules/pkg/package.json': '{ "name": "pkg", "main": "index.js" }',
    'esm/node_modules/pkg/index.js': 'exports.answer = 42;\n',
    'esm/node_modules/react/package.json':
      '{ "name": "react", "exports": { "./jsx-runtime": "./jsx-runtime.js" } }',
    'esm/node_modules/react/jsx-runtime.js':
      'exports.jsx = (type, props) => ({ type, props: { ...props, children: String(props.children) } });\n',

    // A package that is not "type": "module", with a CommonJS dependency compiled from ES modules.
    'cjs/package.json': '{ "name": "cjs" }',
    'cjs/tsconfig.json':
      '{ "compilerOptions": { "esModuleInterop": true, "paths": { "pkg": ["./src/pkg.ts"] } } }',
    'cjs/src/pkg.ts': "export const answer: string = 'aliased';\n",
    'cjs/src/main.ts': [
      "import dep from 'dep';",
      "import { answer } from 'pkg';",
      "import { twice } from './helpers';",
      'declare const module: unknown;',
      'globalThis.out = { dep, answer, twice: twice(2), commonjs: typeof module === "object" };',
    ].join('\n'),
    'cjs/src/helpers.cts':
      'export function twice(x: number): number[] { return [x, x]; }\nexport { twice as delete };\n',
    'cjs/node_modules/pkg/package.json': '{ "name": "pkg", "main": "index.js" }',
    'cjs/node_modules/pkg/index.js': "exports.answer = 'package';\n",
    'cjs/src/module.mts': [
      "import { twice, delete as again } from './helpers.cjs';",
      'globalThis.out = { twice: twice(3), again: again(4), meta: typeof import.meta.url };',
    ].join('\n'),
    // ES module syntax in .js files of a package Node loads as CommonJS: compiled on the fly by the project's own
    // @babel/register (ramda), so the verify runner must compile it too.
    'babel/package.json': '{ "name": "babel" }',
    'babel/source/_arity.js':
      'export default function _arity(n, fn) { return n === 1 ? (a) => fn(a) : fn; }\n',
    'babel/source/double.js': "import _arity from './_arity';\nexport default _arity(1, (x) => x * 2);\n",
    'babel/source/plain.js': 'module.exports = { plain: "require" };\n',
    'babel/source/main.js': [
      "import double from './double';",
      "import { plain } from './plain';",
      'globalThis.out = { double: double(4), plain, commonjs: typeof module === "object" };',
    ].join('\n'),
    'cjs/node_modules/dep/package.json': '{ "name": "dep" }',
    'cjs/node_modules/dep/index.js':
      'Object.defineProperty(exports, "__esModule", { value: true }); exports.default = "dep default";\n',
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the TypeScript loader of the verify runner', () => {
  it('resolves .js to .ts, extensionless and index imports, tsconfig paths and baseUrl, and compiles enums and TSX', async () => {
    expect(await load('esm/src/main.ts')).toEqual({
      color: 2,
      sides: 3,
      twice: [1, 1],
      view: { type: 'b', props: { title: 'n', children: '2' } },
      fromBase: 'base-url',
      answer: 42,
      esm: true,
    });
  });

  it('compiles TypeScript outside a "type": "module" package to CommonJS, with TypeScript\'s interop', async () => {
    expect(await load('cjs/src/main.ts')).toEqual({
      dep: 'dep default',
      answer: 'aliased',
      twice: [2, 2],
      commonjs: true,
    });
  });

  it('compiles .js files written as ES modules in a CommonJS package (@babel/register projects), and leaves CommonJS ones to Node', async () => {
    expect(await load('babel/source/main.js')).toEqual({ double: 8, plain: 'require', commonjs: true });
  });

  it('compiles the same files as ES modules when the tests run them so (vitest)', async () => {
    const out = (await load('cjs/src/main.ts', { AFTERBURNER_TS_FORMAT: 'module' })) as Record<
      string,
      unknown
    >;
    expect(out.commonjs).toBe(false);
    expect(out.answer).toBe('aliased');
  });

  it('lets .mts be an ES module whatever the package says, importing a .cts through its .cjs name', async () => {
    expect(await load('cjs/src/module.mts')).toEqual({ twice: [3, 3], again: [4, 4], meta: 'string' });
  });

  it("fails with Node's own error when an import names nothing on disk", async () => {
    await files({ 'esm/src/broken.ts': "import './nowhere.js';\n" });
    await expect(load('esm/src/broken.ts')).rejects.toThrow(/Cannot find module .*nowhere\.js/);
  });
});

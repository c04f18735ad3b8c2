import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transform } from 'sucrase';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../src/detect/types.js';
import { instrumentJavaScript } from '../../src/languages/javascript/harness/instrument-js.js';
import { nodeHarnessDir } from '../../src/paths.js';
import { copyRecorder } from '../helpers/recorder.js';

const run = promisify(execFile);

const source = `import { sep } from 'node:path';

export function joinAll(parts: string[]): string {
  return parts.join(sep);
}
`;

const target: Target = {
  id: 'src/join.ts:joinAll',
  path: 'src/join.ts',
  language: 'typescript',
  name: 'joinAll',
  kind: 'function',
  startLine: 3,
  endLine: 5,
  source: source.split('\n').slice(2, 5).join('\n'),
  changedLines: [4],
  exportName: 'joinAll',
  async: false,
  generator: false,
  context: '',
};

let root: string;
let recording: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'afterburner-instrument-ts-'));
  await mkdir(join(root, 'src'));
  await mkdir(join(root, '.afterburner-harness', 'capture'), { recursive: true });
  await copyRecorder(join(root, '.afterburner-harness'));
  const instrumented = await instrumentJavaScript({
    fileText: source,
    target,
    mode: { kind: 'record' },
    esm: true,
    recorderSpecifier: '../.afterburner-harness/recorder.cjs',
  });
  if (!instrumented.ok) throw new Error(instrumented.reason);
  recording = instrumented.text;
  await writeFile(join(root, 'src', 'join.ts'), recording);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('recording a TypeScript function', () => {
  it('imports the CommonJS recorder before the first line, under @ts-nocheck, moving each line down by one', () => {
    const lines = recording.split('\n');
    expect(lines[0]).toBe('// @ts-nocheck');
    expect(lines[1]).toBe(
      `import * as __afterburner from "../.afterburner-harness/recorder.cjs";${source.split('\n')[0]}`,
    );
    expect(lines.slice(2, 5)).toEqual(source.split('\n').slice(1, 4));
  });

  it('passes a strict type check, as ts-jest requires before it runs a file', () => {
    const program = ts.createProgram([join(root, 'src', 'join.ts')], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.CommonJS,
      types: [],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });

  it("keeps a generic function's type for the tests that call it, so a type-checking runner accepts them", async () => {
    // radash: `_.counting(people, p => p.group)` infers `p` from the generic signature; typed `any`, it fails
    // under `strict` with "Parameter 'p' implicitly has an 'any' type".
    const generic = `export const counting = <T>(list: readonly T[], identity: (item: T) => string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of list) counts[identity(item)] = (counts[identity(item)] ?? 0) + 1;
  return counts;
};
`;
    const dir = await mkdtemp(join(tmpdir(), 'afterburner-instrument-generic-'));
    try {
      await mkdir(join(dir, '.afterburner-harness'));
      await copyRecorder(join(dir, '.afterburner-harness'));
      const instrumented = await instrumentJavaScript({
        fileText: generic,
        target: {
          ...target,
          id: 'counting.ts:counting',
          path: 'counting.ts',
          name: 'counting',
          kind: 'arrow',
          startLine: 1,
          endLine: 5,
          source: generic.trimEnd(),
          exportName: 'counting',
        },
        mode: { kind: 'record' },
        esm: true,
        recorderSpecifier: './.afterburner-harness/recorder.cjs',
      });
      if (!instrumented.ok) throw new Error(instrumented.reason);
      await writeFile(join(dir, 'counting.ts'), instrumented.text);
      await writeFile(
        join(dir, 'caller.ts'),
        "import { counting } from './counting';\nexport const byGroup = counting([{ group: 'a' }], (p) => p.group);\n",
      );
      const diagnostics = () =>
        ts
          .getPreEmitDiagnostics(
            ts.createProgram([join(dir, 'caller.ts')], {
              strict: true,
              noEmit: true,
              module: ts.ModuleKind.CommonJS,
              moduleResolution: ts.ModuleResolutionKind.Node10,
              types: [],
            }),
          )
          .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics()).toEqual(["Parameter 'p' implicitly has an 'any' type."]);
      // The harness ships the recorder's declarations beside it.
      await copyFile(
        join(nodeHarnessDir, 'recorder.d.cts'),
        join(dir, '.afterburner-harness', 'recorder.d.cts'),
      );
      expect(diagnostics()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // ts-jest compiles with TypeScript; babel-jest (like sucrase, and our own loader) moves imports and rewrites
  // assignments to exported names the Babel way.
  const compilers: [string, (text: string) => string][] = [
    [
      'TypeScript (ts-jest)',
      (text) =>
        ts.transpileModule(text, {
          compilerOptions: {
            module: ts.ModuleKind.CommonJS,
            esModuleInterop: true,
            target: ts.ScriptTarget.ES2020,
          },
        }).outputText,
    ],
    ['sucrase (Babel-style)', (text) => transform(text, { transforms: ['typescript', 'imports'] }).code],
  ];

  it.each(compilers)(
    'records the calls made through the exports when compiled to CommonJS by %s',
    async (name, compile) => {
      const tag = name.split(' ')[0] as string;
      const capture = join(root, `capture-${tag}`);
      await mkdir(capture);
      const file = join(root, 'src', `join-${tag}.cjs`);
      await writeFile(file, compile(recording));
      const script = `console.log(require(${JSON.stringify(file)}).joinAll(['a', 'b']));`;
      const { stdout } = await run(process.execPath, ['-e', script], {
        env: { PATH: process.env.PATH ?? '', AFTERBURNER_CAPTURE_DIR: capture },
      });
      expect(stdout.trim()).toBe('a/b');
      expect(await readdir(capture)).toEqual(['src_join.ts_joinAll.calls']);
    },
  );
});

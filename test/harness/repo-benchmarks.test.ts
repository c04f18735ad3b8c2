import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mentionedName, parseRepoBenchResults } from '../../src/harness/repo-benchmarks.js';
import { planJsBenchmarks } from '../../src/languages/javascript/harness/js-benchmarks.js';
import { planPythonBenchmarks } from '../../src/languages/python/harness/python-benchmarks.js';
import { repoRoot } from '../helpers/cli.js';

const run = promisify(execFile);

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

describe("finding the repository's own JavaScript benchmarks that reach a function", () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'afterburner-repo-bench-'));
    await writeTree(root, {
      'package.json': JSON.stringify({ name: 'blog-kit', devDependencies: { benchmark: '2.1.4' } }),
      'src/tags.js': 'exports.distinctTags = (posts) => posts;\nexports.slug = (s) => s;\n',
      'src/index.js': "module.exports = require('./tags.js');\n",
      // Through the package's index, by relative path.
      'benchmarks/bench-tags.js':
        "const Benchmark = require('benchmark');\nconst { distinctTags } = require('../src');\nnew Benchmark.Suite().add('d', () => distinctTags([])).run();\n",
      // Through the package's own name, as es-toolkit's vitest bench files do.
      'bench/tags.bench.ts':
        "import { bench } from 'vitest';\nimport { distinctTags } from 'blog-kit';\nbench('d', () => { distinctTags([]); });\n",
      // Reaches the module but never names the function.
      'bench/slug.bench.ts':
        "import { bench } from 'vitest';\nimport { slug } from '../src/index.js';\nbench('s', () => { slug('a'); });\n",
      // A TypeScript benchmark.js script needs the harness's loader.
      'benchmarks/bench-tags-ts.ts':
        "import Benchmark from 'benchmark';\nimport { distinctTags } from '../src/tags.js';\nnew Benchmark.Suite().add('d', () => distinctTags([])).run();\n",
      // tinybench and mitata scripts, as ES modules.
      'bench/tags.tinybench.mjs':
        "import { Bench } from 'tinybench';\nimport { distinctTags } from '../src/tags.js';\nawait new Bench().add('d', () => distinctTags([])).run();\n",
      'bench/tags.mitata.mjs':
        "import { bench, run } from 'mitata';\nimport { distinctTags } from '../src/index.js';\nbench('d', () => distinctTags([]));\nawait run();\n",
      // A file named like a bench file that is not one (no vitest import), and a test.
      'src/tags.bench.js': 'exports.distinctTags = 1;\n',
      'test/tags.test.js': "const { distinctTags } = require('../src/tags.js');\n",
    });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const plan = (typeScriptLoader: boolean) =>
    planJsBenchmarks({
      sourceDir: root,
      cwd: '',
      targetPath: 'src/tags.js',
      targetName: 'distinctTags',
      workspaceRoot: '/work',
      typeScriptLoader,
    });

  it('finds benchmark.js, tinybench and mitata scripts and vitest bench files that reach the module and name the function', async () => {
    const suites = await plan(false);
    expect(suites.map((s) => [s.file, s.kind])).toEqual([
      ['bench/tags.bench.ts', 'vitest-bench'],
      ['bench/tags.mitata.mjs', 'mitata'],
      ['bench/tags.tinybench.mjs', 'tinybench'],
      ['benchmarks/bench-tags.js', 'benchmark.js'],
    ]);
    expect(suites[0]?.command).toEqual([
      'vitest',
      'bench',
      '--run',
      '--outputJson',
      '/work/.afterburner-harness/repo-bench-0.json',
      'bench/tags.bench.ts',
    ]);
    expect(suites[3]).toMatchObject({
      command: [
        'node',
        '--require',
        '/work/.afterburner-harness/bench-hooks.cjs',
        'benchmarks/bench-tags.js',
      ],
      resultsFile: '.afterburner-harness/repo-bench-3.json',
      env: { AFTERBURNER_BENCH_OUT: '/work/.afterburner-harness/repo-bench-3.json' },
    });
    expect(suites[2]?.command).toEqual([
      'node',
      '--require',
      '/work/.afterburner-harness/bench-hooks.cjs',
      'bench/tags.tinybench.mjs',
    ]);
  });

  it('runs a TypeScript benchmark.js script through the loader when the harness has it', async () => {
    const suites = await plan(true);
    const ts = suites.find((s) => s.file === 'benchmarks/bench-tags-ts.ts');
    expect(ts?.command).toEqual([
      'node',
      '--require',
      '/work/.afterburner-harness/bench-hooks.cjs',
      '--import',
      '/work/.afterburner-harness/ts-loader.mjs',
      'benchmarks/bench-tags-ts.ts',
    ]);
  });

  it('looks for the name a caller writes: the class for a constructor, the method for a method', () => {
    expect(mentionedName('Range.constructor')).toBe('Range');
    expect(mentionedName('Cache.get')).toBe('get');
    expect(mentionedName('distinctTags')).toBe('distinctTags');
  });
});

describe("finding the repository's own pytest-benchmark tests that reach a function", () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'afterburner-repo-bench-py-'));
    await writeTree(root, {
      'src/blog/__init__.py': '',
      'src/blog/tags.py': 'def distinct_tags(posts):\n    return posts\n\ndef slug(s):\n    return s\n',
      'benchmarks/test_bench_tags.py':
        'from blog.tags import distinct_tags\n\ndef test_archive(benchmark):\n    benchmark(distinct_tags, [])\n',
      // Takes the fixture but benchmarks another function of the module.
      'benchmarks/test_bench_slug.py':
        'from blog.tags import slug\n\ndef test_slug(benchmark):\n    benchmark(slug, "a")\n',
      // Names the function but is a plain test.
      'tests/test_tags.py':
        'from blog.tags import distinct_tags\n\ndef test_it():\n    assert distinct_tags([]) == []\n',
    });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('runs each alone with --benchmark-only and JSON results', async () => {
    const suites = await planPythonBenchmarks({
      sourceDir: root,
      targetPath: 'src/blog/tags.py',
      targetName: 'distinct_tags',
      python: 'python3',
      workspaceRoot: '/work',
    });
    expect(suites).toEqual([
      {
        file: 'benchmarks/test_bench_tags.py',
        kind: 'pytest-benchmark',
        command: [
          'python3',
          ...[
            '-m',
            'pytest',
            '-q',
            '-p',
            'no:cacheprovider',
            'benchmarks/test_bench_tags.py',
            '--benchmark-only',
          ],
          '--benchmark-json=/work/.afterburner-harness/repo-bench-0.json',
          '--benchmark-max-time=0.2',
        ],
        resultsFile: '.afterburner-harness/repo-bench-0.json',
      },
    ]);
  });
});

describe('reading what a benchmark tool wrote', () => {
  it("reads vitest bench's --outputJson, as vitest writes it, in ns per operation by describe › name", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'afterburner-vitest-bench-'));
    try {
      await writeTree(dir, {
        'package.json': '{"type":"module"}',
        'sum.bench.js':
          "import { bench, describe } from 'vitest';\n" +
          "describe('sum', () => { bench('1 000', () => { let s = 0; for (let i = 0; i < 1000; i++) s += i; }); });\n" +
          "describe('sum again', () => { bench('1 000', () => { let s = 0; for (let i = 0; i < 1000; i++) s += i; }); });\n",
      });
      const out = join(dir, 'out.json');
      await run(join(repoRoot, 'node_modules/.bin/vitest'), [
        'bench',
        '--run',
        '--root',
        dir,
        '--outputJson',
        out,
      ]);
      const tasks = parseRepoBenchResults('vitest-bench', await readFile(out, 'utf8'));
      expect([...tasks.keys()].sort()).toEqual(['sum again › 1 000', 'sum › 1 000']);
      // A loop of 1 000 additions: between 10 ns and 1 ms, whatever the machine.
      for (const ns of tasks.values()) expect(ns).toBeGreaterThan(10);
      for (const ns of tasks.values()) expect(ns).toBeLessThan(1e6);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reads pytest-benchmark's --benchmark-json, as pytest-benchmark writes it, in ns per operation", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'afterburner-pytest-bench-'));
    try {
      await writeTree(dir, {
        'test_sum.py': 'def test_sum(benchmark):\n    benchmark(sum, range(1000))\n',
      });
      const out = join(dir, 'out.json');
      await run(
        'python3',
        [
          '-m',
          'pytest',
          '-q',
          '-p',
          'no:cacheprovider',
          'test_sum.py',
          '--benchmark-only',
          `--benchmark-json=${out}`,
          '--benchmark-max-time=0.05',
        ],
        { cwd: dir },
      );
      const tasks = parseRepoBenchResults('pytest-benchmark', await readFile(out, 'utf8'));
      expect([...tasks.keys()]).toEqual(['test_sum']);
      // sum over 1 000 ints: between 100 ns and 10 ms, whatever the machine.
      expect(tasks.get('test_sum')).toBeGreaterThan(100);
      expect(tasks.get('test_sum')).toBeLessThan(1e7);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads what tinybench and mitata scripts measure, through bench-hooks.cjs, in ns per operation by name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'afterburner-bench-hooks-'));
    try {
      const loop = (n: number) => `() => { let s = 0; for (let i = 0; i < ${n}; i++) s += i; return s; }`;
      await writeTree(dir, {
        'tiny.mjs':
          "import { Bench } from 'tinybench';\n" +
          `const bench = new Bench({ time: 5000 });\nbench.add('sum 1000', ${loop(1000)}).add('sum 10', ${loop(10)});\n` +
          'await bench.run();\n',
        'mitata.mjs': `import { bench, run } from 'mitata';\nbench('sum 1000', ${loop(1000)});\nawait run();\n`,
      });
      await mkdir(join(dir, 'node_modules'));
      for (const name of ['tinybench', 'mitata'])
        await symlink(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name));
      const measured = async (script: string) => {
        const out = join(dir, `${script}.json`);
        const hooks = join(repoRoot, 'src/harness/node/bench-hooks.cjs');
        await run('node', ['--require', hooks, script], {
          cwd: dir,
          env: { ...process.env, AFTERBURNER_BENCH_OUT: out },
        });
        return parseRepoBenchResults('tinybench', await readFile(out, 'utf8'));
      };
      const tiny = await measured('tiny.mjs');
      expect([...tiny.keys()]).toEqual(['sum 1000', 'sum 10']);
      // 1 000 additions cost more than 10, and each lies between 1 ns and 1 ms whatever the machine.
      expect(tiny.get('sum 1000')).toBeGreaterThan(tiny.get('sum 10') as number);
      for (const ns of tiny.values()) expect(ns).toBeGreaterThan(1);
      for (const ns of tiny.values()) expect(ns).toBeLessThan(1e6);
      // mitata lists a benchmark twice in its report; it counts once.
      const mitata = await measured('mitata.mjs');
      expect([...mitata.keys()]).toEqual(['sum 1000']);
      expect(mitata.get('sum 1000')).toBeGreaterThan(10);
      expect(mitata.get('sum 1000')).toBeLessThan(1e6);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reads bench-hooks.cjs's and pytest-benchmark's JSON; names that repeat stay apart; garbage is dropped", () => {
    const hooks = parseRepoBenchResults(
      'benchmark.js',
      JSON.stringify({
        tasks: [{ name: 'a', ns: 10 }, { name: 'a', ns: 20 }, { name: 'b', ns: -1 }, { ns: 3 }],
      }),
    );
    expect([...hooks]).toEqual([
      ['a', 10],
      ['a (2)', 20],
    ]);
    const pytest = parseRepoBenchResults(
      'pytest-benchmark',
      JSON.stringify({ benchmarks: [{ name: 'test_join[1000]', stats: { median: 0.0025, mean: 0.003 } }] }),
    );
    expect([...pytest]).toEqual([['test_join[1000]', 2_500_000]]);
    expect(() => parseRepoBenchResults('benchmark.js', 'not json')).toThrow();
  });
});

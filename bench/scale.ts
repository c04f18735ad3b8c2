/**
 * `npm run bench:scale`: the input-scaling verdict on functions of known complexity (fixtures scaling-bench-js and
 * scaling-bench-py: n² → n, n log n → n, a constant-factor win, an asymptotically worse micro-optimization), through
 * the real harness: each function's tests are recorded, its calls grown ×10, ×100, ×1000, and the candidate below is
 * checked and timed at every scale. Prints per function the verdict and each version's fitted exponent against the
 * truth (n log n counts as 1: over n = 50–5000 it fits about 1.1–1.2), the sizes each fit used and the speedup per
 * scale; then how many exponents landed within ±0.25 of the truth.
 *
 * Environment: SCALE_MODE=process|docker (default process), SCALE_LANGUAGES=javascript,python, SCALE_ONLY=name,name
 * (those functions only), SCALE_ROUNDS (default 15), AFTERBURNER_IMAGE.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { defaults } from '../src/config/defaults.js';
import { materializeFixture } from '../src/demo/materialize-fixture.js';
import { detectChangedFunctions } from '../src/detect/index.js';
import { NodeHarness } from '../src/harness/index.js';
import type { Benchmark, Evaluation } from '../src/harness/types.js';
import { PythonHarness } from '../src/languages/python/harness/python-harness.js';
import { createSandbox } from '../src/sandbox/create-sandbox.js';
import type { SandboxMode } from '../src/sandbox/types.js';

interface Case {
  name: string;
  truth: [original: number, candidate: number];
  expected: 'suggest' | 'reject';
  candidate: string;
}

const javascript: Case[] = [
  {
    name: 'dedupe',
    truth: [2, 1],
    expected: 'suggest',
    candidate: `function dedupe(items) {
  if (items.length <= 8) return items.filter((item, index) => items.indexOf(item) === index);
  const seen = new Set();
  return items.filter((item) => item === item && !seen.has(item) && seen.add(item));
}`,
  },
  {
    name: 'hasDuplicateSorted',
    truth: [1, 1],
    expected: 'suggest',
    candidate: `function hasDuplicateSorted(numbers) {
  const seen = new Set();
  for (const x of numbers) {
    if (seen.has(x)) return true;
    seen.add(x);
  }
  return false;
}`,
  },
  {
    name: 'sumSquares',
    truth: [1, 1],
    expected: 'suggest',
    candidate: `function sumSquares(numbers) {
  let total = 0;
  for (const x of numbers) total += x * x;
  return total;
}`,
  },
  {
    name: 'hasDuplicate',
    truth: [1, 2],
    expected: 'reject',
    candidate: `function hasDuplicate(items) {
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) if (items[i] === items[j]) return true;
  }
  return false;
}`,
  },
];

const python: Case[] = [
  {
    name: 'dedupe',
    truth: [2, 1],
    expected: 'suggest',
    candidate: 'def dedupe(items):\n    return list(dict.fromkeys(items))',
  },
  {
    name: 'has_duplicate_sorted',
    truth: [1, 1],
    expected: 'suggest',
    candidate: 'def has_duplicate_sorted(numbers):\n    return len(set(numbers)) != len(numbers)',
  },
  {
    name: 'sum_squares',
    truth: [1, 1],
    expected: 'suggest',
    // The same loop without the power operator: faster at every size (a generator expression would cost more than
    // it saves on the tests' 5 numbers, a regression the policy blocks).
    candidate:
      'def sum_squares(numbers):\n    total = 0\n    for x in numbers:\n        total += x * x\n    return total',
  },
  {
    name: 'has_duplicate',
    truth: [1, 2],
    expected: 'reject',
    candidate: [
      'def has_duplicate(items):',
      '    for i in range(len(items)):',
      '        for j in range(i + 1, len(items)):',
      '            if items[i] == items[j]:',
      '                return True',
      '    return False',
    ].join('\n'),
  },
];

const fixtures = [
  { dir: 'scaling-bench-js', language: 'javascript', cases: javascript, Harness: NodeHarness },
  { dir: 'scaling-bench-py', language: 'python', cases: python, Harness: PythonHarness },
].filter((f) => (process.env.SCALE_LANGUAGES?.split(',') ?? ['javascript', 'python']).includes(f.language));
const mode = (process.env.SCALE_MODE ?? 'process') as SandboxMode;
const rounds = Number(process.env.SCALE_ROUNDS ?? 15);
const tolerance = 0.25;

function exponents(b: Benchmark | undefined): string {
  if (!b?.complexity) return 'no fit (fewer than two scales)';
  const { original, candidate } = b.complexity;
  const sizes = (s: number[]) => s.map((n) => Math.round(n)).join('/');
  return `fit ${original.exponent.toFixed(2)} → ${candidate.exponent.toFixed(2)} over n = ${sizes(original.sizes)} | ${sizes(candidate.sizes)}`;
}

function scales(b: Benchmark | undefined): string {
  if (!b) return '';
  const rows = [b, ...(b.scales ?? [])];
  const time = (ns: number) => (ns >= 1000 ? `${(ns / 1000).toPrecision(3)} µs` : `${ns.toPrecision(3)} ns`);
  return rows
    .map(
      (r) =>
        `n=${r.n ?? '?'} ${r.estimate.speedup.toFixed(2)}x (${time(r.originalMedianNs / r.calls)} → ${time(r.candidateMedianNs / r.calls)})`,
    )
    .join(', ');
}

const results: { within: boolean[]; verdictOk: boolean }[] = [];
const sandbox = await createSandbox({
  mode,
  image: process.env.AFTERBURNER_IMAGE ?? 'afterburner-sandbox:bookworm',
  runId: 'bench-scale',
});
try {
  for (const fixture of fixtures) {
    const repo = await materializeFixture(fixture.dir);
    const { targets } = await detectChangedFunctions({ repo: repo.dir, base: repo.base, head: repo.head });
    console.log(`\n${fixture.language} (${fixture.dir}, ${mode} sandbox, ${rounds} rounds)`);
    const only = process.env.SCALE_ONLY?.split(',');
    for (const c of fixture.cases.filter((x) => !only || only.includes(x.name))) {
      const target = targets.find((t) => t.name === c.name);
      if (!target) throw new Error(`${fixture.dir} has no function ${c.name}`);
      const workspace = await sandbox.open({ sourceDir: repo.dir });
      const started = performance.now();
      let evaluation: Evaluation | { status: 'unprepared'; reason: string };
      try {
        const harness = new fixture.Harness({
          workspace,
          target,
          sourceDir: repo.dir,
          fileText: await readFile(path.join(repo.dir, target.path), 'utf8'),
          testCommand: fixture.language === 'javascript' ? 'node --test test/' : undefined,
          minSpeedup: 0.1,
          rounds,
          scaleFactors: defaults.scaleFactors,
        });
        const prepared = await harness.prepare();
        evaluation = prepared.ok
          ? await harness.evaluate({ source: c.candidate, imports: [] })
          : { status: 'unprepared', reason: prepared.reason };
      } finally {
        await workspace.dispose();
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      const benchmark = 'benchmark' in evaluation ? evaluation.benchmark : undefined;
      const verdict = evaluation.status === 'verified' ? 'suggest' : 'reject';
      const fit = benchmark?.complexity;
      const within = fit
        ? [
            Math.abs(fit.original.exponent - c.truth[0]) <= tolerance,
            Math.abs(fit.candidate.exponent - c.truth[1]) <= tolerance,
          ]
        : [false, false];
      results.push({ within, verdictOk: verdict === c.expected });
      const why = evaluation.status === 'verified' ? (benchmark?.decision?.reason ?? '') : evaluation.reason;
      console.log(
        `  ${c.name.padEnd(22)} truth ${c.truth[0]} → ${c.truth[1]}  ${exponents(benchmark)}  ` +
          `${within.every(Boolean) ? 'within ±0.25' : 'OFF'}`,
      );
      console.log(
        `  ${''.padEnd(22)} verdict ${verdict} (expected ${c.expected})  ${scales(benchmark)}  ${seconds} s`,
      );
      console.log(`  ${''.padEnd(22)} ${why.split('\n')[0]?.slice(0, 220)}`);
    }
    await repo.dispose();
  }
} finally {
  await sandbox.close();
}
const exponentsWithin = results.flatMap((r) => r.within).filter(Boolean).length;
console.log(
  `\nexponents within ±${tolerance} of the truth: ${exponentsWithin}/${results.length * 2}; ` +
    `verdicts as expected: ${results.filter((r) => r.verdictOk).length}/${results.length}`,
);

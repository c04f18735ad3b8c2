import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import type { RunReport } from '../../src/report/index.js';
import { runCli } from '../helpers/cli.js';
import { type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';

/** Linear above 8 items, the original's own code below (so no slower on the tests' 4-element inputs). */
const linearDedupe = `function dedupe(items) {
  if (items.length <= 8) return items.filter((item, index) => items.indexOf(item) === index);
  const seen = new Set();
  // indexOf never finds NaN, so the original keeps none.
  return items.filter((item) => item === item && !seen.has(item) && seen.add(item));
}`;

/** Faster than a Set on 4 items, quadratic on many. */
const quadraticHasDuplicate = `function hasDuplicate(items) {
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) if (items[i] === items[j]) return true;
  }
  return false;
}`;

/** Equal on every row the tests pass; words the refusal of long rows differently, which only grown inputs reach. */
const loopRowTotal = `function rowTotal(cells) {
  if (cells.length > 8) throw new RangeError('too many cells');
  let total = 0;
  for (const cell of cells) {
    const value = Number(cell);
    if (!Number.isNaN(value)) total += value;
  }
  return total;
}`;

/**
 * Trial division up to 64 (a sieve's array costs more than it saves on the tests' limits of 2–20: 0.7× there, a
 * regression the policy blocks), a sieve above: far faster on the model's generated limits.
 */
const sievePrimesBelow = `function primesBelow(limit) {
  if (limit <= 64) {
    const small = [];
    for (let k = 2; k < limit; k++) {
      let prime = true;
      for (let d = 2; d * d <= k; d++) {
        if (k % d === 0) {
          prime = false;
          break;
        }
      }
      if (prime) small.push(k);
    }
    return small;
  }
  const composite = new Uint8Array(limit);
  const primes = [];
  for (let k = 2; k < limit; k++) {
    if (composite[k]) continue;
    primes.push(k);
    for (let m = k * k; m < limit; m += k) composite[m] = 1;
  }
  return primes;
}`;

const answers: Record<string, string> = {
  dedupe: linearDedupe,
  hasDuplicate: quadraticHasDuplicate,
  rowTotal: loopRowTotal,
  primesBelow: sievePrimesBelow,
};

/** Only primesBelow, whose recorded calls hold no collection to grow, gets an input generator. */
const generators: Record<string, string> = {
  primesBelow: 'function afterburnerInputs(n) {\n  return [[n]];\n}',
};

// One sandbox mode only: the scaling logic is the same in both, and this test times three functions at four scales.
describe('afterburner review measures at scale (process sandbox)', () => {
  let fixture: FixtureRepo;
  let model: FakeOpenAI;
  let report: RunReport;
  let markdown: string;
  let stderr: string;
  let exitCode: number;

  beforeAll(async () => {
    fixture = await materializeFixture('scaling-js');
    model = await startFakeOpenAI((request) => {
      const prompt = request.messages.map((m) => m.content).join('\n');
      const name = Object.keys(answers).find((n) => prompt.includes(`\`${n}\``)) as string;
      if (prompt.includes('afterburnerInputs')) {
        const generator = generators[name];
        return generator ? `\`\`\`javascript\n${generator}\n\`\`\`` : 'The tests cover it well enough.';
      }
      return `\`\`\`javascript\n${answers[name]}\n\`\`\``;
    });
    const out = join(fixture.dir, '..', 'scaling-report.md');
    const json = join(fixture.dir, '..', 'scaling-report.json');
    const result = await runCli([
      'review',
      ...['--repo', fixture.dir, '--base', fixture.base, '--head', fixture.head],
      ...['--base-url', model.baseUrl, '--model', 'fake-coder', '--sandbox', 'process'],
      ...['--iterations', '1', '--rounds', '12', '--out', out, '--json', json, '--rules', 'off', '--scale'],
    ]);
    exitCode = result.code;
    stderr = result.stderr;
    markdown = await readFile(out, 'utf8').catch(() => '');
    report = JSON.parse(await readFile(json, 'utf8').catch(() => '{}')) as RunReport;
    // Four functions, each timed at up to four scales for the A/A run and for its candidate.
  }, 600_000);

  afterAll(async () => {
    await model?.close();
    await fixture?.dispose();
  });

  it('suggests the quadratic-to-linear fix its 4-element tests cannot tell apart, with the scaling table', () => {
    expect(exitCode, stderr).toBe(0);
    expect(report.suggestions.map((s) => s.name).sort()).toEqual(['dedupe', 'primesBelow', 'rowTotal']);
    const benchmark = report.suggestions.find((s) => s.name === 'dedupe')?.benchmark;
    expect(benchmark?.n).toBe(4);
    expect(benchmark?.decision?.outcome).toBe('suggest');
    expect(benchmark?.decision?.factor).toBeGreaterThanOrEqual(100);
    expect(benchmark?.decision?.estimate.low).toBeGreaterThan(2);
    const { original, candidate } = benchmark?.complexity ?? {};
    // Fits on a shared 2-core machine wander by a few tenths (bench:scale measures them); the order must hold.
    expect(original?.exponent).toBeGreaterThan(1.7);
    expect(candidate?.exponent).toBeLessThan(1.7);
    expect((original?.exponent ?? 0) - (candidate?.exponent ?? 0)).toBeGreaterThan(0.3);
    expect(markdown).toMatch(/\| tests' own inputs: time per pass over 3 calls .* \| 4 \|/);
    expect(markdown).toMatch(/\| scaled ×10 from recorded calls: time per pass over \d calls .* \| 40 \|/);
    expect(markdown).toMatch(
      /\| scaled ×100 from recorded calls: .* \| 400 \| .* \d+\.\d\d× faster \| 95% CI /,
    );
    expect(markdown).toMatch(/\*\*Complexity:\*\* ~n² \(\d\.\d\d\) → ~n(\^1\.5)? \(\d\.\d\d\)/);
    expect(markdown).toMatch(/### `dedupe` in `src\/lists\.js`: \d+\.\d\d× faster at n = \d+00, 95% CI/);
  });

  it('rejects the candidate that is faster on 4 items but quadratic, with the scaling evidence', () => {
    const reason = report.skipped.find((s) => s.name === 'hasDuplicate')?.reason ?? '';
    expect(reason).toMatch(
      /asymptotically worse: ~n² \(\d\.\d\d\) against the original's ~n(\^1\.5)? \(\d\.\d\d\)|not significantly faster at n = \d+ \(scaled ×\d+ from recorded calls\)/,
    );
  });

  it("suggests a fix only the model's generated inputs show, with those inputs' rows in the table", () => {
    // Its calls take a number: nothing to grow, so the verdict rests on the model's inputs, run in the sandbox.
    const suggestion = report.suggestions.find((s) => s.name === 'primesBelow');
    expect(suggestion, JSON.stringify(report.skipped)).toBeDefined();
    const benchmark = suggestion?.benchmark;
    expect(benchmark?.scales?.every((s) => s.source === 'model')).toBe(true);
    expect(benchmark?.scales?.map((s) => s.n)).toEqual(expect.arrayContaining([100, 1000, 10000]));
    expect(benchmark?.decision).toMatchObject({ outcome: 'suggest', source: 'model' });
    expect(benchmark?.decision?.n).toBeGreaterThanOrEqual(10000);
    expect(benchmark?.decision?.estimate.low).toBeGreaterThan(2);
    expect(markdown).toMatch(
      /\| generated by the model's input generator: time per pass over 1 call .* \| 10000 \| .* faster \| 95% CI /,
    );
    expect(markdown).toMatch(
      /### `primesBelow` in `src\/lists\.js`: \d+\.\d\d× faster at n = \d+0000, 95% CI/,
    );
    // The others got no generator: the report says so once each, and they were timed on grown inputs alone.
    expect(report.notices.join('\n')).toMatch(
      /`hasDuplicate`: timed without model-generated inputs: the model answered with no input generator/,
    );
  });

  it('drops grown inputs the original throws on instead of counting them as differences', () => {
    // Its candidate is several times faster on the tests' own rows; every grown row makes the original throw, so
    // those were dropped (a difference would have rejected it) and the verdict rests on the tests' own inputs.
    const suggestion = report.suggestions.find((s) => s.name === 'rowTotal');
    expect(suggestion, JSON.stringify(report.skipped)).toBeDefined();
    expect(suggestion?.benchmark.scales).toBeUndefined();
    expect(suggestion?.benchmark.decision?.factor).toBe(1);
    expect(suggestion?.benchmark.scaleNotes?.[0]).toMatch(
      /×10 of call \d: dropped, the original throws RangeError/,
    );
    expect(markdown).toMatch(
      /Grown inputs left out: ×10 of call \d: dropped, the original throws RangeError/,
    );
  });
});

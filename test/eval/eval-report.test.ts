import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../../src/eval/eval-loop.js';
import { scoreOf } from '../../src/eval/scores.js';
import { evalJson, evalMarkdown } from '../../src/report/eval-report.js';
import { expectGolden } from '../helpers/golden.js';

const refs = [
  { cpuMs: 40, peakMemoryKib: 9000, integralKibMs: 300_000 },
  { cpuMs: 120, peakMemoryKib: 8000, integralKibMs: 900_000 },
  { cpuMs: 900, peakMemoryKib: 7000, integralKibMs: 5_000_000 },
];
const fast = { passed: true, metrics: { cpuMs: 50, peakMemoryKib: 8500, integralKibMs: 400_000 } };
const failed = { passed: false, failure: 'test 2: expected [1, 2], got | <b>@admin</b>' };

const result: EvalResult = {
  provider: 'openai',
  model: 'afterburner-3b `grpo`',
  objective: 'time',
  iterations: 1,
  problems: [
    {
      id: 'py-two-sum',
      language: 'python',
      references: refs.map((metrics, i) => ({ label: `ref ${i}`, source: 'measured', metrics })),
      steps: [
        { iteration: 0, candidate: failed, kept: true, current: failed, score: scoreOf(failed, refs) },
        { iteration: 1, candidate: fast, kept: true, current: fast, score: scoreOf(fast, refs) },
      ],
    },
    {
      id: 'js-|pipe',
      language: 'javascript',
      references: [
        ...refs.map((metrics) => ({ source: 'given' as const, metrics })),
        { label: 'broken', source: 'measured', failure: 'test 1 threw TypeError: x' },
      ],
      steps: [
        { iteration: 0, candidate: fast, kept: true, current: fast, score: scoreOf(fast, refs) },
        { iteration: 1, candidate: failed, kept: false, current: fast, score: scoreOf(fast, refs) },
      ],
    },
    {
      id: 'py-never',
      language: 'python',
      references: refs.map((metrics) => ({ source: 'measured' as const, metrics })),
      steps: [
        { iteration: 0, candidate: failed, kept: true, current: failed, score: scoreOf(failed, refs) },
        { iteration: 1, candidate: failed, kept: false, current: failed, score: scoreOf(failed, refs) },
      ],
    },
  ],
  perIteration: [
    { pass: 0.5, beyondT: 1 / 3, beyondM: 1 / 6, beyondI: 1 / 3 },
    { pass: 1, beyondT: 2 / 3, beyondM: 1 / 3, beyondI: 2 / 3 },
  ],
  usage: { inputTokens: 1234, outputTokens: 567 },
};

const context = {
  sandbox: 'docker (image afterburner-sandbox:bookworm, network off)',
  repeats: 3,
  problemErrors: ['line 7: language: Invalid enum value'],
};

describe('the eval report', () => {
  it('shows the four metrics per iteration, a chart, each problem, and what was left out', () => {
    expectGolden('eval-report.md', evalMarkdown(result, context));
  });

  it('scores a solution against the references: Beyond-X counts the references no better than it', () => {
    expect(scoreOf(fast, refs)).toEqual({ pass: 1, beyondT: 2 / 3, beyondM: 1 / 3, beyondI: 2 / 3 });
    expect(scoreOf(failed, refs)).toEqual({ pass: 0, beyondT: 0, beyondM: 0, beyondI: 0 });
  });

  it('writes everything measured as JSON', () => {
    const json = JSON.parse(evalJson(result, context));
    expect(json.perIteration[1].beyondT).toBeCloseTo(2 / 3);
    expect(json.problems[0].steps[1].current.metrics.cpuMs).toBe(50);
    expect(json.sandbox).toBe(context.sandbox);
  });
});

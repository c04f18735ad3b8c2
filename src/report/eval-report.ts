/** `afterburner eval`'s report: the paper's four metrics per iteration, a chart of them, and each problem's end. */
import type { EvalResult, ProblemResult } from '../eval/eval-loop.js';
import type { Score } from '../eval/scores.js';
import { plural } from './comment-parts.js';
import { inert } from './inert.js';
import { formatBytes, formatByteTime } from './memory-rows.js';

export interface EvalReportContext {
  /** One line naming the sandbox, e.g. `docker (image …, network off)`. */
  sandbox: string;
  repeats: number;
  /** Lines of the problem file that were left out, and why. */
  problemErrors: readonly string[];
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

function scoreRow(label: string | number, s: Score): string {
  return `| ${label} | ${percent(s.pass)} | ${percent(s.beyondT)} | ${percent(s.beyondM)} | ${percent(s.beyondI)} |`;
}

/** A mermaid line chart of the four metrics; mermaid's xychart has no legend, so the caption names the lines. */
function chart(perIteration: readonly Score[]): string[] {
  const line = (pick: (s: Score) => number) =>
    `  line [${perIteration.map((s) => (pick(s) * 100).toFixed(1)).join(', ')}]`;
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Scores per iteration (%)"',
    `  x-axis [${perIteration.map((_, i) => i).join(', ')}]`,
    '  y-axis "%" 0 --> 100',
    line((s) => s.pass),
    line((s) => s.beyondT),
    line((s) => s.beyondM),
    line((s) => s.beyondI),
    '```',
    '',
    "The chart's lines, in order: pass@1, Beyond-T, Beyond-M, Beyond-I.",
  ];
}

function problemRow(p: ProblemResult): string {
  const last = p.steps.at(-1);
  const final = last?.current;
  const used = p.references.filter((r) => r.metrics).length;
  const figures = final?.metrics
    ? `${final.metrics.cpuMs.toFixed(1)} ms | ${formatBytes(final.metrics.peakMemoryKib * 1024)} | ${formatByteTime(final.metrics.integralKibMs * 1024 * 1e6)}`
    : '— | — | —';
  const passed = final?.passed ? 'yes' : `no: ${inert(final?.failure ?? 'no answer', 'cell', 160)}`;
  const s = last?.score;
  const beyond = s ? `${percent(s.beyondT)} | ${percent(s.beyondM)} | ${percent(s.beyondI)}` : '— | — | —';
  return `| ${inert(p.id, 'code-cell', 80)} | ${p.language} | ${passed} | ${figures} | ${beyond} | ${used}/${p.references.length} |`;
}

export function evalMarkdown(result: EvalResult, context: EvalReportContext): string {
  const { problems, perIteration } = result;
  const count = (language: string) => problems.filter((p) => p.language === language).length;
  const lines = [
    `# afterburner eval: ${inert(result.model, 'code', 120)} (${result.provider})`,
    '',
    `${problems.length} problems (${count('python')} Python, ${count('javascript')} JavaScript), ` +
      `${plural(result.iterations, 'improvement iteration')} after the first answer, objective: ${result.objective}.`,
    `Each solution's whole test run is measured in the sandbox (${inert(context.sandbox, 'text', 200)}): CPU time, ` +
      `peak memory and memory × time above the sandbox's idle, the median of ${context.repeats} runs. References are ` +
      'measured the same way unless the problem file gives all three figures.',
    '',
    '| iteration | pass@1 | Beyond-T | Beyond-M | Beyond-I |',
    '| --- | --- | --- | --- | --- |',
    ...perIteration.map((s, i) => scoreRow(i, s)),
    '',
    'Beyond-X: per problem, the share of reference solutions no better than the solution on X (0 when it fails), ' +
      'averaged over problems.',
    '',
    ...chart(perIteration),
    '',
    '## Per problem, after the last iteration',
    '',
    '| problem | language | passed | CPU time | peak memory | memory × time | Beyond-T | Beyond-M | Beyond-I | references |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...problems.map(problemRow),
  ];
  const broken = problems.flatMap((p) =>
    p.references
      .filter((r) => r.failure)
      .map(
        (r) =>
          `- ${inert(p.id, 'code', 80)}: reference ${inert(r.label ?? '?', 'text', 80)} fails its tests and is left out: ${inert(r.failure ?? '', 'text', 200)}`,
      ),
  );
  const notes = [...context.problemErrors.map((e) => `- problem file ${inert(e, 'text', 300)}`), ...broken];
  if (notes.length > 0) lines.push('', '## Left out', '', ...notes);
  lines.push('', `Model tokens: ${result.usage.inputTokens} in, ${result.usage.outputTokens} out.`, '');
  return lines.join('\n');
}

/** The JSON report: everything measured, for tables and charts of one's own. */
export function evalJson(result: EvalResult, context: EvalReportContext): string {
  return `${JSON.stringify({ ...result, sandbox: context.sandbox, repeats: context.repeats, problemErrors: context.problemErrors }, null, 2)}\n`;
}

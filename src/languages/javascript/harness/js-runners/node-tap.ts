import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstLines } from '../../../../harness/test-run.js';
import type { TestFailure } from '../../../../harness/types.js';
import { diagnosticLines, tapDiagnostics } from './tap.js';
import { type JsRunner, quote, type RunnerCounts } from './types.js';

/**
 * node-tap's TAP output: subtests nest by indentation under `# Subtest: name`, and a result line may end in a
 * directive (`# time=12ms`). Names are qualified by the subtests around them (`test/a.js > parse > should be
 * equal`): assertion names repeat from test to test, and the gate compares failures by name. Only leaves count;
 * a subtest's own line repeats what its assertions said.
 */
export function parseNodeTap(text: string): RunnerCounts {
  const lines = text.split('\n');
  const open: { indent: number; name: string; children: number }[] = [];
  const failures: TestFailure[] = [];
  let passedCount = 0;
  for (const [i, line] of lines.entries()) {
    const indent = /^\s*/.exec(line)?.[0].length ?? 0;
    const subtest = /^\s*# Subtest: (.*)$/.exec(line);
    if (subtest) {
      open.push({ indent, name: (subtest[1] ?? '').trim(), children: 0 });
      continue;
    }
    const result = /^\s*(not ok|ok) \d+(?: - (.*?))?\s*(#\s*(\w+).*)?$/i.exec(line);
    if (!result) continue;
    while (open.length > 0 && (open.at(-1)?.indent ?? 0) > indent) open.pop();
    const own = open.at(-1)?.indent === indent ? open.pop() : undefined;
    for (const parent of open) parent.children++;
    const directive = result[4]?.toUpperCase();
    if (own && own.children > 0) continue;
    if (directive === 'SKIP' || directive === 'TODO') continue;
    const name = [...open.map((o) => o.name), (result[2] ?? own?.name ?? '').trim()].join(' > ');
    if (result[1] === 'ok') {
      passedCount++;
      continue;
    }
    const block = lines.slice(i + 1, i + 60);
    const end = block.findIndex((l) => /^\s*\.\.\.\s*$/.test(l));
    const yaml = block.slice(0, end < 0 ? undefined : end).join('\n');
    failures.push({ name, message: firstLines(describeDiagnostics(yaml)) });
  }
  return { passedCount, failedCount: failures.length, failures };
}

/** What a failing assertion found and wanted (tap's `t.equal`, `t.same`), or the error it died of. */
function describeDiagnostics(yaml: string): string {
  const data = tapDiagnostics(yaml);
  if (!data) return yaml;
  // t.same's unified diff, without its `--- expected` / `+++ actual` / `@@` header.
  const diff =
    typeof data.diff === 'string'
      ? data.diff
          .split('\n')
          .filter((l) => !/^(---|\+\+\+|@@) /.test(l))
          .join('\n')
      : undefined;
  const parts = diagnosticLines(
    data,
    diff ? ['message', 'compare'] : ['message', 'found', 'wanted', 'compare'],
  );
  if (diff) parts.push(`diff (- expected, + actual):\n${diff}`);
  return parts.length > 0 ? parts.join('\n') : yaml;
}

/** The installed tap's major version (coverage flags changed in 18), or undefined when it is not installed. */
async function tapMajor(packageDir: string): Promise<number | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(packageDir, 'node_modules/tap/package.json'), 'utf8'));
    return Number.parseInt(String(manifest.version), 10) || undefined;
  } catch {
    return undefined;
  }
}

// Coverage is off: tap's coverage check (often 100%) fails on a subset of the suite, whatever the code does.
export const nodeTap: JsRunner = {
  name: 'tap',
  writesResults: false,
  async command(context) {
    const major = await tapMajor(context.packageDir);
    const coverage = major !== undefined && major >= 18 ? '--disable-coverage' : '--no-coverage';
    return `tap ${coverage} --reporter=tap ${context.files.map(quote).join(' ')}`;
  },
  parse: (stdout) => parseNodeTap(stdout),
};

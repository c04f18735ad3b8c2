/**
 * `npm run bench:real -- --mirrors DIR`: afterburner on real upstream performance commits (bench/real-corpus.json).
 * Per case: a work tree of the fix's parent (from the bare git dir under DIR, as the `fetch` tool lays them out),
 * the project's install (cached by manifest and lock files), a no-op edit inside the function committed as head,
 * `afterburner review` against a loopback model that answers with upstream's own version of the function, then
 * upstream's test command on the applied suggestion. Prints one table and the totals issue 12's targets need.
 * With `--rules only` no model answers: the offline rules alone propose, and the table says which rule fired.
 * With `--scale` the review also times both versions on inputs grown from the recorded calls (issue 14);
 * `--repo-bench-seconds 0` leaves out the repository's own benchmarks (the review runs those reaching the function).
 * Nothing fetched is ever committed: the corpus lists repositories and commits only. See bench/README-real.md.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCorpus } from './real/corpus.js';
import { type CaseRow, runCase } from './real/run-case.js';
import { run } from './real/shell.js';
import { renderDetails, renderTable, renderTotals } from './real/table.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    mirrors: { type: 'string' },
    corpus: { type: 'string', default: join(root, 'bench', 'real-corpus.json') },
    only: { type: 'string' },
    sandbox: { type: 'string' },
    image: { type: 'string' },
    'python-image': { type: 'string' },
    out: { type: 'string' },
    cache: { type: 'string', default: join(tmpdir(), 'afterburner-bench-real-cache') },
    'review-timeout': { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
    'install-only': { type: 'boolean', default: false },
    rules: { type: 'string' },
    scale: { type: 'boolean', default: false },
    'repo-bench-seconds': { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`bench:real: ${message}`);
  process.exit(2);
}

if (!values.mirrors) fail('--mirrors DIR is required (the folder holding the fetched bare git dirs)');
const mirrors = resolve(values.mirrors);
if (!existsSync(mirrors)) fail(`--mirrors ${mirrors}: no such directory`);
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) fail(`${cli} is missing: run \`npm run build\` first`);
if (values.sandbox && values.sandbox !== 'docker' && values.sandbox !== 'process') {
  fail(`--sandbox must be docker or process, not ${values.sandbox}`);
}
if (values.rules !== undefined && values.rules !== 'only') {
  fail(`--rules takes only \`only\` (no model: the offline rules alone), not ${values.rules}`);
}
const reviewMinutes = Number(values['review-timeout']);
if (!(reviewMinutes > 0)) fail('--review-timeout must be a positive number of minutes');

let cases = await loadCorpus(resolve(values.corpus as string));
if (values.only) {
  const wanted = values.only.split(',').map((id) => id.trim());
  const unknown = wanted.filter((id) => !cases.some((c) => c.id === id));
  if (unknown.length > 0) fail(`--only: unknown case ids ${unknown.join(', ')}`);
  cases = cases.filter((c) => wanted.includes(c.id));
}

const dockerAnswers = async () =>
  (await run(['docker', 'info'], { cwd: root, timeoutMs: 20_000 })).code === 0;
const sandbox =
  (values.sandbox as 'docker' | 'process' | undefined) ?? ((await dockerAnswers()) ? 'docker' : 'process');
await mkdir(values.cache as string, { recursive: true });

const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
log(`${cases.length} cases, sandbox ${sandbox}, mirrors ${mirrors}, install cache ${values.cache}`);

function markdown(done: CaseRow[], seconds: number): string {
  const images = [values.image, values['python-image']].filter(Boolean).join(', ');
  return [
    '# bench:real: afterburner on real upstream performance commits',
    '',
    `Sandbox: ${sandbox}${images ? ` (${images})` : ''}. Corpus: ${values.corpus}. ${done.length}/${cases.length} cases run.` +
      (values.rules === 'only' ? ' Rules only: no model, the offline rule catalog alone proposes.' : '') +
      (values.scale ? ' With `--scale`: also timed on inputs grown from the recorded calls.' : ''),
    '',
    renderTable(done),
    '',
    renderTotals(done, seconds),
    '',
    renderDetails(done),
  ].join('\n');
}

const started = Date.now();
const rows: CaseRow[] = [];
for (const c of cases) {
  log(`${c.id}: ${c.repo} ${c.fix.slice(0, 10)} ${c.file} ${c.function}`);
  const row = await runCase(c, {
    mirrors,
    cacheDir: values.cache as string,
    cli,
    sandbox,
    ...(values.image ? { image: values.image } : {}),
    ...(values['python-image'] ? { pythonImage: values['python-image'] } : {}),
    installTimeoutMs: 15 * 60_000,
    reviewTimeoutMs: reviewMinutes * 60_000,
    testTimeoutMs: 15 * 60_000,
    keep: values.keep as boolean,
    installOnly: values['install-only'] as boolean,
    rulesOnly: values.rules === 'only',
    scale: values.scale as boolean,
    ...(values['repo-bench-seconds'] !== undefined
      ? { repoBenchSeconds: Number(values['repo-bench-seconds']) }
      : {}),
    log,
  });
  log(`${c.id}: ${row.verdict} (${row.seconds} s)`);
  rows.push(row);
  // Rewritten after every case, so a run cut short still leaves its rows.
  if (values.out) await writeFile(resolve(values.out), markdown(rows, (Date.now() - started) / 1000));
}

const seconds = (Date.now() - started) / 1000;
console.log(`${renderTable(rows)}\n\n${renderTotals(rows, seconds)}\n`);
if (values.out) await writeFile(resolve(values.out), markdown(rows, seconds));

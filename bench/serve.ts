/**
 * `npm run bench:serve`: throughput and latency of `afterburner serve` on loopback with the Docker sandbox —
 * trivial programs (`print(i)` / `console.log(i)`, mixed and Python only) from concurrent clients that submit and poll — checked for
 * lost and duplicated results; then the same load on Monolith's design, a fresh container per request (open a
 * workspace, run the program, dispose), side by side. Clients long-poll (`GET /results/{id}?wait=30`): tight
 * polling by 16 clients would itself take a good part of two cores. Image: $AFTERBURNER_IMAGE (default afterburner-sandbox).
 */
import os from 'node:os';
import pLimit from 'p-limit';
import { type ExecutableLanguage, executeProgram } from '../src/execute/execute-code.js';
import { createSandbox } from '../src/sandbox/create-sandbox.js';
import { servePoolSandbox } from '../src/serve/resident-runner.js';
import { startServer } from '../src/serve/server.js';
import type { TaskView } from '../src/serve/task-store.js';
import { quantileSorted } from '../src/stats/index.js';

const image = process.env.AFTERBURNER_IMAGE ?? 'afterburner-sandbox:bookworm';
const executions = Number(process.env.BENCH_EXECUTIONS ?? 200);
const clients = Number(process.env.BENCH_CLIENTS ?? 16);
const workers = Number(process.env.BENCH_WORKERS ?? os.availableParallelism());
const pollMs = 5;
/** A fresh container per request is slow; fewer requests give the same rates in a shorter run. */
const baselineExecutions = Number(process.env.BENCH_BASELINE_EXECUTIONS ?? Math.min(executions, 48));

interface Job {
  index: number;
  language: ExecutableLanguage;
  code: string;
}

/** `mixed`: half Python, half JavaScript; `python`: Python only (Node's own start is ~200 ms on a small VM). */
function jobsOf(mix: 'mixed' | 'python', count: number): Job[] {
  return Array.from({ length: count }, (_, index) =>
    mix === 'python' || index % 2
      ? { index, language: 'python', code: `print(${index})` }
      : { index, language: 'javascript', code: `console.log(${index})` },
  );
}

interface Measured {
  seconds: number;
  latenciesMs: number[];
  /** Jobs whose stdout was not their own index, or that never came back. */
  lost: number;
  duplicated: number;
  refused: number;
}

async function sandbox(runId: string) {
  return createSandbox({ mode: 'docker', image, runId, ...servePoolSandbox });
}

async function benchPool(jobs: Job[]): Promise<Measured & { status: unknown }> {
  const server = await startServer({
    sandbox: await sandbox(`bench-serve-${process.pid}`),
    images: { python: image, javascript: image },
    workers,
    queueLimit: 64,
    host: '127.0.0.1',
    port: 0,
  });
  try {
    const seen = new Map<string, number>();
    const outputs = new Map<number, string[]>();
    const latenciesMs: number[] = [];
    let refused = 0;
    const limit = pLimit(clients);
    const started = performance.now();
    await Promise.all(
      jobs.map((job) =>
        limit(async () => {
          const submitted = performance.now();
          let id: string;
          for (;;) {
            const response = await fetch(`${server.url}/execute`, {
              method: 'POST',
              body: JSON.stringify({ language: job.language, code: job.code }),
            });
            if (response.status === 429) {
              refused++;
              await response.arrayBuffer();
              await sleep(100);
              continue;
            }
            id = ((await response.json()) as { task_id: string }).task_id;
            break;
          }
          seen.set(id, (seen.get(id) ?? 0) + 1);
          for (;;) {
            const task = (await (await fetch(`${server.url}/results/${id}?wait=30`)).json()) as TaskView;
            if (task.status === 'done' || task.status === 'error') {
              latenciesMs.push(performance.now() - submitted);
              const list = outputs.get(job.index) ?? [];
              list.push(task.output_dict?.stdout ?? '');
              outputs.set(job.index, list);
              return;
            }
            await sleep(pollMs);
          }
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const status = await (await fetch(`${server.url}/status`)).json();
    const lost = jobs.filter((job) => outputs.get(job.index)?.[0] !== `${job.index}\n`).length;
    const duplicated =
      [...seen.values()].filter((count) => count > 1).length +
      [...outputs.values()].filter((list) => list.length > 1).length;
    return { seconds, latenciesMs, lost, duplicated, refused, status };
  } finally {
    await server.close();
  }
}

/** Monolith's design: every request gets a new container, opened and removed around the one program. */
async function benchFreshContainer(jobs: Job[]): Promise<Measured> {
  const box = await sandbox(`bench-serve-fresh-${process.pid}`);
  const sourceDir = await import('node:fs/promises').then((fs) =>
    fs.mkdtemp(`${os.tmpdir()}/afterburner-bench-`),
  );
  try {
    const latenciesMs: number[] = [];
    let lost = 0;
    const limit = pLimit(clients);
    const started = performance.now();
    await Promise.all(
      jobs.map((job) =>
        limit(async () => {
          const submitted = performance.now();
          const workspace = await box.open({ sourceDir });
          try {
            const result = await executeProgram(workspace, { ...job, timeoutMs: 30_000 });
            if (result.stdout !== `${job.index}\n`) lost++;
          } finally {
            await workspace.dispose();
          }
          latenciesMs.push(performance.now() - submitted);
        }),
      ),
    );
    return { seconds: (performance.now() - started) / 1000, latenciesMs, lost, duplicated: 0, refused: 0 };
  } finally {
    await box.close();
  }
}

function row(name: string, m: Measured & { executions: number }): string {
  const sorted = [...m.latenciesMs].sort((a, b) => a - b);
  const cells = [
    name,
    (m.executions / m.seconds).toFixed(1),
    String(m.executions),
    quantileSorted(sorted, 0.5).toFixed(0),
    quantileSorted(sorted, 0.99).toFixed(0),
    m.seconds.toFixed(1),
    String(m.lost),
    String(m.duplicated),
    String(m.refused),
  ];
  return `| ${cells.join(' | ')} |`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

console.log(
  `bench:serve — trivial executions (print(i) / console.log(i)), ${clients} concurrent clients, image ${image}, ${os.availableParallelism()} CPUs`,
);
const rows: string[] = [];
let bad = 0;
for (const mix of ['mixed', 'python'] as const) {
  const pool = await benchPool(jobsOf(mix, executions));
  console.log(`pool (${mix}) done: ${JSON.stringify(pool.status)}`);
  rows.push(row(`serve, ${workers} warm workers, ${mix}`, { ...pool, executions }));
  bad += pool.lost + pool.duplicated;
}
for (const mix of ['mixed', 'python'] as const) {
  const fresh = await benchFreshContainer(jobsOf(mix, baselineExecutions));
  rows.push(row(`fresh container per request, ${mix}`, { ...fresh, executions: baselineExecutions }));
  bad += fresh.lost;
}
console.log('');
console.log('| design | executions/s | n | p50 ms | p99 ms | total s | lost | duplicated | 429s |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const line of rows) console.log(line);
if (bad > 0) process.exitCode = 1;

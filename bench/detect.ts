/**
 * `npm run bench:detect`: time to detect targets in a synthetic repository of 1,000 changed files (JavaScript,
 * TypeScript, TSX and Python mixed) with ~50,000 changed lines. Target: median under 5 s on the dev machine.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { detectChangedFunctions } from '../src/detect/index.js';

const execFileAsync = promisify(execFile);
const fileCount = Number(process.env.BENCH_FILES ?? 1000);
const functionsPerFile = 10;
const changedLinesPerFunction = 5;
const runs = Number(process.env.BENCH_RUNS ?? 5);

type Kind = 'js' | 'ts' | 'tsx' | 'py';
const kinds: Kind[] = ['js', 'ts', 'tsx', 'py'];

function functionSource(kind: Kind, index: number, version: number): string[] {
  const body = Array.from({ length: changedLinesPerFunction }, (_, line) =>
    kind === 'py' ? `    v${line} = a * ${line + version}` : `  const v${line} = a * ${line + version};`,
  );
  if (kind === 'py') return [`def f${index}(a):`, ...body, '    return a', ''];
  const type = kind === 'js' ? '' : ': number';
  return [`export function f${index}(a${type})${type} {`, ...body, '  return a;', '}', ''];
}

function fileSource(kind: Kind, version: number): string {
  const header = kind === 'py' ? ['import math', ''] : ["import { join } from 'node:path';", ''];
  const functions = Array.from({ length: functionsPerFile }, (_, i) => functionSource(kind, i, version));
  return [...header, ...functions.flat()].join('\n');
}

async function writeAll(dir: string, version: number): Promise<void> {
  for (let i = 0; i < fileCount; i++) {
    const kind = kinds[i % kinds.length] as Kind;
    const path = join(dir, `src/pkg${i % 20}/mod${i}.${kind}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, fileSource(kind, version));
  }
}

async function git(dir: string, ...args: string[]): Promise<string> {
  const identity = [
    '-c',
    'user.name=bench',
    '-c',
    'user.email=bench@example.invalid',
    '-c',
    'commit.gpgsign=false',
  ];
  return (await execFileAsync('git', [...identity, ...args], { cwd: dir, maxBuffer: 1 << 28 })).stdout.trim();
}

/**
 * CPU seconds of this process plus its waited-for children (the git processes), from /proc on Linux. On a shared
 * machine wall time mostly measures the neighbours; CPU time is what detection itself costs.
 */
async function cpuSeconds(): Promise<number> {
  const own = process.cpuUsage();
  let children = 0;
  try {
    const fields = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1]?.split(' ') ?? [];
    // After the command name: cutime and cstime are fields 14 and 15 (0-based 13, 14), in clock ticks of 1/100 s.
    children = (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    // Not Linux: own CPU only.
  }
  return (own.user + own.system) / 1e6 + children;
}

const dir = await mkdtemp(join(tmpdir(), 'afterburner-bench-detect-'));
try {
  await git(dir, 'init', '--quiet', '--initial-branch=main');
  await writeAll(dir, 0);
  await git(dir, 'add', '--all');
  await git(dir, 'commit', '--quiet', '-m', 'base');
  const base = await git(dir, 'rev-parse', 'HEAD');
  await writeAll(dir, 1);
  await git(dir, 'commit', '--quiet', '--all', '-m', 'head');
  const shortstat = await git(dir, 'diff', '--shortstat', base, 'HEAD');

  const times: number[] = [];
  const cpuTimes: number[] = [];
  let targets = 0;
  let skipped = 0;
  let changedLines = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const cpuStarted = await cpuSeconds();
    const result = await detectChangedFunctions({ repo: dir, base });
    times.push(performance.now() - started);
    cpuTimes.push((await cpuSeconds()) - cpuStarted);
    targets = result.targets.length;
    skipped = result.skipped.length;
    changedLines = result.targets.reduce((sum, t) => sum + t.changedLines.length, 0);
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  console.log(`synthetic repo: ${fileCount} files (${kinds.join(', ')}), ${shortstat}`);
  console.log(`result: ${targets} targets, ${changedLines} changed lines in targets, ${skipped} skipped`);
  console.log(`runs (ms): ${times.map((t) => t.toFixed(0)).join(', ')}`);
  console.log(`median detect time: ${(median(times) / 1000).toFixed(2)} s wall (target < 5 s)`);
  console.log(`median CPU time: ${median(cpuTimes).toFixed(2)} s (node + git children)`);
  console.log(
    `load average during the runs: ${(await readFile('/proc/loadavg', 'utf8').catch(() => '?')).trim()}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}

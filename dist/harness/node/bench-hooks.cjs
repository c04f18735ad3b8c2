'use strict';
// Loaded with `node --require` before a repository's own benchmark script — benchmark.js, tinybench or mitata
// (repo-benchmarks.ts). It shortens each benchmark's sampling where the tool allows (the harness repeats whole runs
// instead, interleaving both versions), and writes what every benchmark measured to AFTERBURNER_BENCH_OUT when the
// process exits: {"tasks":[{"name","ns"}]}, ns per operation. CommonJS loads are patched here; ES module imports
// of tinybench and mitata go through bench-loader.mjs, which hands the real module to the same functions.
const Module = require('node:module');
const { writeFileSync } = require('node:fs');

const out = process.env.AFTERBURNER_BENCH_OUT;
const maxTime = Number(process.env.AFTERBURNER_BENCH_MAX_TIME || '0.5');
const tasks = [];
const patched = new WeakSet();
const reported = new WeakSet();

function patchBenchmarkJs(Benchmark) {
  if (!Benchmark || typeof Benchmark !== 'function' || patched.has(Benchmark)) return;
  patched.add(Benchmark);
  if (Benchmark.options) Benchmark.options.maxTime = maxTime;
  const emit = Benchmark.prototype.emit;
  if (typeof emit !== 'function') return;
  Benchmark.prototype.emit = function (type, ...rest) {
    const name = typeof type === 'string' ? type : type?.type;
    // A Suite shares the prototype's emit through its own mixin; only single benchmarks carry stats. An async run
    // emits `complete` twice on each benchmark (and once on the clones it measures with, `_original` set).
    const original = this instanceof Benchmark && !this._original;
    if (name === 'complete' && original && !reported.has(this) && this.stats && !this.error) {
      reported.add(this);
      const mean = this.stats.mean;
      if (Number.isFinite(mean) && mean > 0)
        tasks.push({ name: String(this.name ?? this.id), ns: mean * 1e9 });
    }
    return emit.call(this, type, ...rest);
  };
}

function recordTinybenchTasks(bench) {
  for (const task of bench.tasks ?? []) {
    const result = task?.result;
    // tinybench 3+ keeps the mean under `latency`, 2 at the top; both in milliseconds.
    const ms = result?.latency?.mean ?? result?.mean;
    if (reported.has(task) || !result || result.error || !(Number.isFinite(ms) && ms > 0)) continue;
    reported.add(task);
    tasks.push({ name: String(task.name), ns: ms * 1e6 });
  }
}

function patchTinybench(exported) {
  const Bench = exported?.Bench;
  if (typeof Bench !== 'function' || patched.has(Bench)) return;
  patched.add(Bench);
  for (const method of ['run', 'runSync']) {
    const run = Bench.prototype[method];
    if (typeof run !== 'function') continue;
    Bench.prototype[method] = function (...args) {
      // tinybench times every call alone and keeps every sample: 100 ms of a tiny function is a million samples
      // whose statistics take a second more, so its budget is a fifth of benchmark.js's.
      if (typeof this.time === 'number') this.time = Math.min(this.time, maxTime * 200);
      if (typeof this.warmupTime === 'number') this.warmupTime = Math.min(this.warmupTime, maxTime * 100);
      const result = run.apply(this, args);
      if (result && typeof result.then === 'function') {
        return result.then((value) => {
          recordTinybenchTasks(this);
          return value;
        });
      }
      recordTinybenchTasks(this);
      return result;
    };
  }
}

// mitata's run() resolves to { benchmarks: [{ alias, runs: [{ name, stats: { avg (ns) }, error }] }] } (1.x);
// 0.1.x to { benchmarks: [{ name, stats: { avg } }] }.
function wrapMitataRun(run) {
  if (typeof run !== 'function') return run;
  return async function (...args) {
    const report = await run.apply(this, args);
    for (const benchmark of report?.benchmarks ?? []) {
      for (const one of benchmark?.runs ?? [benchmark]) {
        const ns = one?.stats?.avg;
        // The report can list one benchmark twice (once per trial and once per layout); count it once.
        if (reported.has(one) || one?.error || !(Number.isFinite(ns) && ns > 0)) continue;
        reported.add(one);
        tasks.push({ name: String(one.name ?? benchmark.alias ?? benchmark.name), ns });
      }
    }
    return report;
  };
}

globalThis[Symbol.for('afterburner.bench-hooks')] = { patchTinybench, wrapMitataRun };
try {
  Module.register?.('./bench-loader.mjs', require('node:url').pathToFileURL(__filename));
} catch {
  // Node without module.register: ES module imports of tinybench and mitata go unmeasured.
}

const load = Module._load;
Module._load = function (request, parent, isMain) {
  const exported = load.call(this, request, parent, isMain);
  if (request === 'benchmark' || /[\\/]node_modules[\\/]benchmark[\\/]benchmark\.js$/.test(request)) {
    patchBenchmarkJs(exported);
  } else if (request === 'tinybench') {
    patchTinybench(exported);
  }
  return exported;
};

process.on('exit', () => {
  if (out) writeFileSync(out, JSON.stringify({ tasks }));
});

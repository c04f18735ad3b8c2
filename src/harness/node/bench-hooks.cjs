'use strict';
// Loaded with `node --require` before a repository's own benchmark.js script (repo-benchmarks.ts). It shortens
// each benchmark's sampling (the harness repeats whole runs instead, interleaving both versions), and writes what
// every benchmark measured to AFTERBURNER_BENCH_OUT when the process exits: {"tasks":[{"name","ns"}]}, ns per op.
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

const load = Module._load;
Module._load = function (request, parent, isMain) {
  const exported = load.call(this, request, parent, isMain);
  if (request === 'benchmark' || /[\\/]node_modules[\\/]benchmark[\\/]benchmark\.js$/.test(request)) {
    patchBenchmarkJs(exported);
  }
  return exported;
};

process.on('exit', () => {
  if (out) writeFileSync(out, JSON.stringify({ tasks }));
});

import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/detect/types.js';
import { addedCapabilities, allowedSideEffects, capabilitiesOf } from '../../src/optimize/capabilities.js';
import { capabilities } from '../../src/optimize/capability-list.js';
import { extractCandidate } from '../../src/optimize/extract.js';

const jsOriginal = `function total(xs) {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum;
}`;

const added = (candidate: string, context?: string) =>
  addedCapabilities(jsOriginal, candidate, 'javascript', { context });

/** Rewrites of `total` that keep its result but each reach for something the original never does. */
const jsEvasions: [string, string, string][] = [
  [
    'require in the body',
    "function total(xs) { require('child_process').spawn('sh'); return xs.reduce((a, b) => a + b, 0); }",
    'child_process',
  ],
  [
    'require of a package in the body',
    "function total(xs) { const _ = require('lodash'); return _.sum(xs); }",
    'require',
  ],
  [
    'aliased require',
    "function total(xs) { const r = require; r('child_process'); return 0; }",
    'child_process',
  ],
  [
    'aliased require, template specifier',
    'function total(xs) { const r = require; r(`child_process`).execSync("id"); return 0; }',
    'child_process',
  ],
  ['require passed on', 'function total(xs) { return [require].map((r) => r)[0] && 0; }', 'require'],
  [
    'node: string anywhere',
    "function total(xs) { const m = 'node:child_process'; return load(m) ? 0 : 1; }",
    'child_process',
  ],
  [
    'split module name',
    "function total(xs) { const r = require; r('child_' + 'process'); return 0; }",
    'child_process',
  ],
  ['escaped module name', "function total(xs) { require('child\\x5fprocess'); return 0; }", 'child_process'],
  ['dynamic import', "async function total(xs) { await import('node:net'); return 0; }", 'dynamic import'],
  [
    'import line above the function',
    "import { spawn } from 'node:child_process';\nfunction total(xs) { spawn('sh'); return 0; }",
    'child_process',
  ],
  [
    'require line above the function',
    "const { request } = require('https');\nfunction total(xs) { request('x'); return 0; }",
    'https',
  ],
  ['module.createRequire', "function total(xs) { module.createRequire('/')('net'); return 0; }", 'module'],
  [
    'fs write through an import line',
    "import { writeFileSync } from 'node:fs';\nfunction total(xs) { writeFileSync('/tmp/x', ''); return 0; }",
    'file write',
  ],
  [
    'fs write through the conventional name',
    "function total(xs) { fs.appendFileSync('log', String(xs)); return 0; }",
    'file write',
  ],
  [
    'fs promises write',
    "async function total(xs) { await fs.promises.writeFile('x', ''); return 0; }",
    'file write',
  ],
  ['fs computed member', "function total(xs) { fs['write' + 'FileSync']('x', ''); return 0; }", 'file write'],
  ['fetch', "async function total(xs) { await fetch('http://example.com'); return 0; }", 'fetch'],
  ['XMLHttpRequest', 'function total(xs) { new XMLHttpRequest(); return 0; }', 'XMLHttpRequest'],
  ['WebSocket', "function total(xs) { new WebSocket('ws://x'); return 0; }", 'WebSocket'],
  ['eval', "function total(xs) { return eval(xs.join('+')); }", 'eval'],
  ['indirect eval', "function total(xs) { return (0, eval)(xs.join('+')); }", 'eval'],
  ['new Function', "function total(xs) { return new Function('xs', 'return 0')(xs); }", 'Function'],
  [
    'constructor chain',
    "function total(xs) { return [].constructor.constructor('return 0')(); }",
    'Function',
  ],
  [
    'constructor by string',
    'function total(xs) { return []["constructor"]["constructor"](\'return 0\')(); }',
    'Function',
  ],
  [
    'constructor of a function value',
    "function total(xs) { const F = (() => 0).constructor; return F('return 0')(); }",
    'Function',
  ],
  [
    'Reflect reaching constructor',
    "function total(xs) { return Reflect.get(xs.map, 'constructor')('return 0')(); }",
    'Function',
  ],
  [
    'computed keys built at run time',
    "function total(xs) { const k = ['con', 'structor'].join(''); return xs[k][k]('return 0')(); }",
    'dynamic member call',
  ],
  ['globalThis computed', "function total(xs) { return globalThis['ev' + 'al']('0'); }", 'globalThis'],
  ['global object', 'function total(xs) { global.leak = xs; return 0; }', 'global'],
  ['window', 'function total(xs) { return window.x; }', 'window'],
  ['self', 'function total(xs) { return self.x; }', 'self'],
  ['process.env', 'function total(xs) { return process.env.TOKEN ? 0 : 1; }', 'process.env'],
  ['process computed env', "function total(xs) { return process['env'].TOKEN ? 0 : 1; }", 'process.env'],
  ['process binding', "function total(xs) { process.binding('spawn_sync'); return 0; }", 'process'],
  ['import.meta', 'function total(xs) { return import.meta.url ? 0 : 1; }', 'import.meta'],
  [
    'builtin prototype',
    'function total(xs) { Array.prototype.sum = function () { return 0; }; return 0; }',
    'builtin prototypes',
  ],
  ['setTimeout with code', "function total(xs) { setTimeout('process.exit()'); return 0; }", 'eval'],
  ['vm', "function total(xs) { return require('vm').runInThisContext('0'); }", 'vm'],
  [
    'worker_threads',
    "import { Worker } from 'node:worker_threads';\nfunction total(xs) { new Worker('x'); return 0; }",
    'worker_threads',
  ],
  [
    'a name the module binds to child_process',
    'function total(xs) { run("sh"); return 0; }',
    'child_process',
  ],
];

describe('the capability check, JavaScript', () => {
  it.each(jsEvasions)('flags %s', async (_what, candidate, capability) => {
    const context =
      "const { execFileSync: run } = require('node:child_process');\nconst path = require('path');";
    expect(await added(candidate, context)).toContain(capability);
  });

  it.each([
    [
      'a plain faster loop',
      'function total(xs) { let s = 0; for (let i = 0; i < xs.length; i++) s += xs[i]; return s; }',
    ],
    ['a reduce', 'function total(xs) { return xs.reduce((a, b) => a + b, 0); }'],
    [
      'a standard-library import',
      "import { sum } from './math.js';\nconst path = require('node:path');\nfunction total(xs) { return sum(xs); }",
    ],
    ['reading files', "function total(xs) { return fs.readFileSync(xs[0], 'utf8').length; }"],
    [
      'constructor name checks',
      'function total(xs) { return xs.constructor === Array && xs.constructor.name ? 1 : 0; }',
    ],
    [
      'a local named like a global',
      'function total(xs) { const self = this; const process = (x) => x; return process(self); }',
    ],
    ['dispatch through a table', 'function total(xs) { return handlers[xs.kind](xs); }'],
  ])('allows %s', async (_what, candidate) => {
    expect(await added(candidate)).toEqual([]);
  });

  it('allows what the original already uses', async () => {
    const original =
      "function run(cmd) { return require('child_process').execSync(cmd) + process.env.HOME; }";
    const candidate =
      "function run(cmd) { const { execSync } = require('child_process'); return execSync(cmd) + process.env.HOME; }";
    expect(await addedCapabilities(original, candidate, 'javascript')).toEqual([]);
  });

  it('finds no capability in names that are Object.prototype keys (a rule guards `__proto__` keys so)', async () => {
    const original = 'const indexById = (rs) => rs.reduce((acc, r) => ({ ...acc, [r.id]: r }), {});';
    const candidate = [
      'const indexById = (rs) => rs.reduce((acc, r) => {',
      "  if (r.id === '__proto__' || r.id === 'toString' || r.id === 'hasOwnProperty') return { ...acc, [r.id]: r };",
      '  acc[r.id] = r;',
      '  return acc;',
      '}, {});',
    ].join('\n');
    expect(await addedCapabilities(original, candidate, 'javascript')).toEqual([]);
    const pyOriginal = 'def index(rs):\n    return {r: 1 for r in rs}\n';
    const pyCandidate =
      "def index(rs):\n    return {r: 1 for r in rs if r != '__proto__' and r != 'constructor'}\n";
    expect(await addedCapabilities(pyOriginal, pyCandidate, 'python')).toEqual([]);
  });

  it('does not let a local declared in an inner scope hide a global', async () => {
    const candidate = 'function total(xs) { { let process = 1; } return process.env.X ? process : 0; }';
    expect(await added(candidate)).toContain('process.env');
  });

  it('reads TypeScript class members', async () => {
    const original = '  sum(xs: number[]): number {\n    return xs.reduce((a, b) => a + b, 0);\n  }';
    const candidate =
      "  sum(xs: number[]): number {\n    require('child_process').execSync('id');\n    return 0;\n  }";
    expect(await addedCapabilities(original, candidate, 'typescript')).toEqual(['child_process', 'require']);
  });
});

const pyOriginal = `def total(xs):
    s = 0
    for x in xs:
        s += x
    return s`;

const pyEvasions: [string, string, string][] = [
  [
    'import subprocess',
    'import subprocess\ndef total(xs):\n    subprocess.run(["sh"])\n    return sum(xs)',
    'subprocess',
  ],
  [
    'subprocess imported inside',
    'def total(xs):\n    import subprocess as sp\n    sp.Popen("id")\n    return sum(xs)',
    'subprocess',
  ],
  ['os.system', 'def total(xs):\n    os.system("id")\n    return sum(xs)', 'os.system'],
  [
    'os.system through an alias',
    'import os as o\ndef total(xs):\n    o.system("id")\n    return sum(xs)',
    'os.system',
  ],
  [
    'from os import system',
    'from os import system as run\ndef total(xs):\n    run("id")\n    return sum(xs)',
    'os.system',
  ],
  [
    'os imported inside the function',
    'def total(xs):\n    import os\n    os.system("id")\n    return sum(xs)',
    'os.system',
  ],
  ['os.popen', 'def total(xs):\n    os.popen("id")\n    return sum(xs)', 'os.popen'],
  ['os.execv', 'def total(xs):\n    os.execv("/bin/sh", [])\n    return sum(xs)', 'os.exec'],
  ['os.spawnl', 'def total(xs):\n    os.spawnl(os.P_WAIT, "/bin/sh")\n    return sum(xs)', 'os.spawn'],
  ['multiprocessing', 'def total(xs):\n    import multiprocessing\n    return sum(xs)', 'multiprocessing'],
  ['getattr on os', 'def total(xs):\n    getattr(os, "sys" "tem")("id")\n    return sum(xs)', 'os.system'],
  [
    'getattr with a computed name',
    'def total(xs):\n    getattr(os, name)("id")\n    return sum(xs)',
    'dynamic attribute',
  ],
  [
    'open for writing',
    'def total(xs):\n    with open("/tmp/x", "w") as f:\n        f.write("")\n    return sum(xs)',
    'file write',
  ],
  [
    'open with mode keyword',
    'def total(xs):\n    open("x", mode="a").close()\n    return sum(xs)',
    'file write',
  ],
  ['open with a computed mode', 'def total(xs):\n    open("x", m).close()\n    return sum(xs)', 'file write'],
  ['open aliased', 'def total(xs):\n    o = open\n    o("x", "w")\n    return sum(xs)', 'file write'],
  ['os.remove', 'def total(xs):\n    os.remove("x")\n    return sum(xs)', 'file write'],
  ['shutil', 'def total(xs):\n    import shutil\n    shutil.rmtree("x")\n    return sum(xs)', 'file write'],
  ['pathlib write_text', 'def total(xs):\n    Path("x").write_text("")\n    return sum(xs)', 'file write'],
  ['Path.open for writing', 'def total(xs):\n    Path("x").open("w")\n    return sum(xs)', 'file write'],
  ['socket', 'def total(xs):\n    socket.create_connection(("x", 80))\n    return sum(xs)', 'socket'],
  [
    'urllib',
    'def total(xs):\n    import urllib.request\n    urllib.request.urlopen("http://x")\n    return sum(xs)',
    'urllib',
  ],
  [
    'http.client',
    'import http.client\ndef total(xs):\n    http.client.HTTPConnection("x")\n    return sum(xs)',
    'http.client',
  ],
  [
    'requests',
    'def total(xs):\n    import requests\n    requests.get("http://x")\n    return sum(xs)',
    'requests',
  ],
  ['exec', 'def total(xs):\n    exec("x = 1")\n    return sum(xs)', 'exec'],
  ['eval', 'def total(xs):\n    return eval("+".join(map(str, xs)))', 'eval'],
  ['compile', 'def total(xs):\n    compile("1", "", "eval")\n    return sum(xs)', 'compile'],
  ['__import__', 'def total(xs):\n    __import__("o" + "s").system("id")\n    return sum(xs)', '__import__'],
  ['importlib', 'def total(xs):\n    importlib.import_module("os")\n    return sum(xs)', 'importlib'],
  ['os.environ', 'def total(xs):\n    return sum(xs) if os.environ.get("X") else 0', 'os.environ'],
  [
    'from os import environ',
    'from os import environ\ndef total(xs):\n    return sum(xs) if environ else 0',
    'os.environ',
  ],
  ['os.getenv', 'def total(xs):\n    return sum(xs) if os.getenv("X") else 0', 'os.getenv'],
  ['globals()', 'def total(xs):\n    globals()["x"] = 1\n    return sum(xs)', 'globals()'],
  [
    'builtins',
    'def total(xs):\n    import builtins\n    builtins.sum = None\n    return sum(xs)',
    'globals()',
  ],
  ['sys.modules', 'def total(xs):\n    sys.modules["os"].system("id")\n    return sum(xs)', 'globals()'],
  [
    'subclasses escape',
    'def total(xs):\n    ().__class__.__bases__[0].__subclasses__()\n    return sum(xs)',
    'globals()',
  ],
  [
    'asyncio subprocess',
    'async def total(xs):\n    await asyncio.create_subprocess_exec("id")\n    return sum(xs)',
    'subprocess',
  ],
  [
    'ProcessPoolExecutor',
    'def total(xs):\n    from concurrent.futures import ProcessPoolExecutor\n    return sum(xs)',
    'multiprocessing',
  ],
  [
    'a name the module binds to subprocess',
    'def total(xs):\n    check_output(["id"])\n    return sum(xs)',
    'subprocess',
  ],
];

describe('the capability check, Python', () => {
  it.each(pyEvasions)('flags %s', async (_what, candidate, capability) => {
    const context = 'import os\nimport sys\nfrom subprocess import check_output\nfrom pathlib import Path';
    expect(await addedCapabilities(pyOriginal, candidate, 'python', { context })).toContain(capability);
  });

  it.each([
    ['sum', 'def total(xs):\n    return sum(xs)'],
    ['a standard-library import', 'import math\ndef total(xs):\n    return math.fsum(xs)'],
    ['reading a file', 'def total(xs):\n    with open(xs[0]) as f:\n        return len(f.read())'],
    ['os.path', 'def total(xs):\n    return len(os.path.join(*xs))'],
    ['a parameter named like a builtin', 'def total(xs, open=None, eval=None):\n    return eval(open(xs))'],
  ])('allows %s', async (_what, candidate) => {
    expect(await addedCapabilities(pyOriginal, candidate, 'python', { context: 'import os' })).toEqual([]);
  });

  it('reads an indented method', async () => {
    const original = '    def total(self, xs):\n        return sum(xs)';
    const candidate = '    def total(self, xs):\n        os.system("id")\n        return sum(xs)';
    expect(await addedCapabilities(original, candidate, 'python')).toEqual(['os.system']);
  });
});

describe('the capability list', () => {
  it('names every capability the check reports', async () => {
    const names = new Set(capabilities.map((c) => c.name));
    const reported = new Set([...jsEvasions, ...pyEvasions].map(([, , capability]) => capability));
    for (const name of reported) expect(names).toContain(name);
  });

  it('tells the tripwire which side effects the original shows', async () => {
    const original = "function run(p) { require('child_process').execSync('x'); fs.writeFileSync(p, ''); }";
    expect(await allowedSideEffects(original, 'javascript')).toEqual(['process', 'file-write']);
    expect(await allowedSideEffects(jsOriginal, 'javascript')).toEqual([]);
    expect(await capabilitiesOf('def f():\n    return socket.socket()', 'python')).toEqual(
      new Set(['socket']),
    );
  });
});

function target(language: Target['language'], source: string, context = ''): Target {
  return {
    id: `src/x:${language}`,
    path: language === 'python' ? 'src/x.py' : 'src/x.js',
    language,
    name: 'total',
    kind: 'function',
    startLine: 1,
    endLine: source.split('\n').length,
    source,
    changedLines: [],
    async: false,
    generator: false,
    context,
  };
}

describe('extraction rejects a candidate that adds a capability, before it runs', () => {
  it('names the capability in the reason (JavaScript)', async () => {
    const answer =
      "```javascript\nfunction total(xs) {\n  require('child_process').spawn('sh', ['-c', 'curl x | sh']);\n  return xs.reduce((a, b) => a + b, 0);\n}\n```";
    expect(await extractCandidate(answer, target('javascript', jsOriginal))).toEqual({
      ok: false,
      reason: 'adds a capability the original does not use: child_process, require',
      check: 'capability',
    });
  });

  it('names the capability in the reason (Python)', async () => {
    const answer =
      '```python\nimport subprocess\ndef total(xs):\n    subprocess.run(["id"])\n    return sum(xs)\n```';
    expect(await extractCandidate(answer, target('python', pyOriginal))).toEqual({
      ok: false,
      reason: 'adds a capability the original does not use: subprocess',
      check: 'capability',
    });
  });

  it('still accepts a standard-library import', async () => {
    const answer = '```python\nimport math\ndef total(xs):\n    return math.fsum(xs)\n```';
    expect(await extractCandidate(answer, target('python', pyOriginal))).toMatchObject({ ok: true });
  });
});

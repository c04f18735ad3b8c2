import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { diffLines } from 'diff';
import { transform } from 'sucrase';
import { expect } from 'vitest';
import type { Parser } from 'web-tree-sitter';
import { createParser, type GrammarName } from '../../../src/detect/tree-sitter.js';
import { type Rule, rewriteWithRules } from '../../../src/providers/rules/index.js';
import { parseFunctionSnippet } from '../../../src/providers/rules/snippet.js';

export type Fn = (...args: unknown[]) => unknown;
const run = promisify(execFile);

const parsers = new Map<GrammarName, Promise<Parser>>();
function parserFor(grammar: GrammarName): Promise<Parser> {
  let parser = parsers.get(grammar);
  if (!parser) {
    parser = createParser(grammar);
    parsers.set(grammar, parser);
  }
  return parser;
}

const familyOf = (grammar: GrammarName) => (grammar === 'python' ? 'python' : 'javascript');

/** The source after `rules` (each on its own target language's grammar), or null when nothing applies. */
export async function rewrite(
  source: string,
  rules: readonly Rule[],
  grammar: GrammarName = 'javascript',
): Promise<string | null> {
  return rewriteWithRules(await parserFor(grammar), source, rules, familyOf(grammar))?.source ?? null;
}

/**
 * Syntax preservation: the rewrite is one function without ERROR/MISSING nodes in the target's own grammar, and
 * every line it removed matches `changed` (so all other lines are byte-identical).
 */
export async function expectPreserved(
  original: string,
  rewritten: string,
  changed: RegExp,
  grammar: GrammarName = 'javascript',
): Promise<void> {
  const snippet = parseFunctionSnippet(await parserFor(grammar), rewritten, familyOf(grammar));
  expect(snippet, `does not parse cleanly:\n${rewritten}`).not.toBeNull();
  snippet?.dispose();
  const removed = diffLines(original, rewritten)
    .filter((part) => part.removed)
    .flatMap((part) => part.value.split('\n').filter((line) => line !== ''));
  expect(removed.length).toBeGreaterThan(0);
  for (const line of removed) expect(line, 'an untouched line changed').toMatch(changed);
}

let moduleDir: string | undefined;
let moduleCount = 0;

export async function scratchDir(): Promise<string> {
  moduleDir ??= await mkdtemp(join(tmpdir(), 'afterburner-rules-'));
  return moduleDir;
}

export async function removeScratchDir(): Promise<void> {
  if (moduleDir) await rm(moduleDir, { recursive: true, force: true });
  moduleDir = undefined;
}

/** Imports JavaScript, or TypeScript/TSX with its types stripped by sucrase (what a build would do). */
export async function importModule(
  code: string,
  grammar: GrammarName = 'javascript',
): Promise<Record<string, unknown>> {
  const javascript =
    grammar === 'javascript'
      ? code
      : transform(code, {
          transforms: grammar === 'tsx' ? ['typescript', 'jsx'] : ['typescript'],
          // Development mode adds line numbers to every element, which differ once lines move.
          production: true,
        }).code;
  const file = join(await scratchDir(), `candidate-${moduleCount++}.mjs`);
  await writeFile(file, javascript);
  return import(pathToFileURL(file).href);
}

export interface JsCase {
  original: string;
  rewritten: string;
  /** Name of the exported function. */
  name: string;
  inputs: unknown[][];
  grammar?: GrammarName;
  /** Module text around the function (`%s` is replaced by it). */
  wrap?: string;
}

export async function loadPair({ original, rewritten, name, grammar, wrap = 'export %s' }: JsCase) {
  const before = (
    await importModule(
      wrap.replace('%s', () => original),
      grammar,
    )
  )[name] as Fn;
  const after = (
    await importModule(
      wrap.replace('%s', () => rewritten),
      grammar,
    )
  )[name] as Fn;
  return { before, after };
}

/** Original and rewrite give the same results (or throw the same error type) on fresh copies of each input. */
export async function expectSameBehaviour(pair: JsCase): Promise<void> {
  const { before, after } = await loadPair(pair);
  for (const args of pair.inputs) {
    const expected = outcome(() => before(...structuredClone(args)));
    const actual = outcome(() => after(...structuredClone(args)));
    expect(actual).toStrictEqual(expected);
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  }
}

function outcome(call: () => unknown): unknown {
  try {
    return { value: call() };
  } catch (error) {
    return { threw: (error as Error).constructor.name };
  }
}

/**
 * Median time of `before` over median time of `after` on the same arguments, calls interleaved round by round
 * after a warm-up. Only used with a large complexity gap and a large margin (the machine is shared).
 */
export function speedup(before: Fn, after: Fn, args: unknown[], rounds = 9): number {
  const times = { before: [] as number[], after: [] as number[] };
  before(...args);
  after(...args);
  for (let round = 0; round < rounds; round++) {
    for (const [key, fn] of [
      ['before', before],
      ['after', after],
    ] as const) {
      const start = process.hrtime.bigint();
      fn(...args);
      times[key].push(Number(process.hrtime.bigint() - start));
    }
  }
  return median(times.before) / median(times.after);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export interface PythonCase {
  original: string;
  rewritten: string;
  /** Expression for the callable in a module holding the function, e.g. `dedupe` or `Subject().pick`. */
  callable: string;
  /** Python expressions for the argument tuples (`([1, 2], 3)`). */
  inputs: string[];
  /** Argument tuple expression for the timing; omitted: no timing. */
  large?: string;
  /** Module text around the function (`%s` is replaced by it). */
  wrap?: string;
  rounds?: number;
}

export interface PythonReport {
  results: { before: string; after: string }[];
  speedup: number | null;
}

const pythonDriver = String.raw`
import copy, importlib.util, json, statistics, sys, time

def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

config = json.load(open(sys.argv[1]))
before_module = load(config["before"], "before_module")
after_module = load(config["after"], "after_module")
before = eval(config["callable"], vars(before_module))
after = eval(config["callable"], vars(after_module))

def outcome(fn, args):
    try:
        value = fn(*copy.deepcopy(args))
        return type(value).__name__ + ":" + repr(value)
    except Exception as error:
        return "raised " + type(error).__name__

results = []
for source in config["inputs"]:
    args = eval(source)
    results.append({"before": outcome(before, args), "after": outcome(after, args)})

ratio = None
if config.get("large"):
    args = eval(config["large"])
    before(*args); after(*args)
    times = {"before": [], "after": []}
    for _ in range(config["rounds"]):
        for key, fn in (("before", before), ("after", after)):
            start = time.perf_counter()
            fn(*args)
            times[key].append(time.perf_counter() - start)
    ratio = statistics.median(times["before"]) / statistics.median(times["after"])
print(json.dumps({"results": results, "speedup": ratio}))
`;

/** Runs both versions in a real python3 process: results per input, and the timing ratio on the large input. */
export async function runPython(pythonCase: PythonCase): Promise<PythonReport> {
  const dir = await scratchDir();
  const id = moduleCount++;
  const wrap = pythonCase.wrap ?? '%s';
  const files = {
    before: join(dir, `before_${id}.py`),
    after: join(dir, `after_${id}.py`),
    config: join(dir, `config_${id}.json`),
    driver: join(dir, 'driver.py'),
  };
  await writeFile(
    files.before,
    wrap.replace('%s', () => pythonCase.original),
  );
  await writeFile(
    files.after,
    wrap.replace('%s', () => pythonCase.rewritten),
  );
  await writeFile(files.driver, pythonDriver);
  await writeFile(
    files.config,
    JSON.stringify({
      ...pythonCase,
      rounds: pythonCase.rounds ?? 7,
      before: files.before,
      after: files.after,
    }),
  );
  const { stdout } = await run('python3', [files.driver, files.config], { timeout: 120_000 });
  return JSON.parse(stdout) as PythonReport;
}

export async function expectPythonSame(pythonCase: PythonCase): Promise<PythonReport> {
  const report = await runPython(pythonCase);
  expect(report.results).toHaveLength(pythonCase.inputs.length);
  for (const { before, after } of report.results) expect(after).toBe(before);
  return report;
}

/** What the rule says about a near miss in `source` (null: no site has its shape). */
export async function nearMissOf(
  source: string,
  rule: Rule,
  grammar: GrammarName = 'javascript',
): Promise<string | null> {
  const snippet = parseFunctionSnippet(await parserFor(grammar), source, familyOf(grammar));
  if (!snippet) throw new Error(`does not parse:\n${source}`);
  try {
    return rule.nearMiss?.(snippet) ?? null;
  } finally {
    snippet.dispose();
  }
}

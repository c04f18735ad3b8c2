import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { baseTestRun, firstLines } from '../../../harness/test-run.js';
import type { TestFailure, TestRun } from '../../../harness/types.js';
import type { ExecResult } from '../../../sandbox/types.js';
import { findPytestConfig, pytestFileFilter } from './pytest-config.js';
import { callerNames, mentionsName } from './python-name-reach.js';

export type PythonTestRunner = 'pytest' | 'unittest' | 'script';

/** Where a Python file sits in the module namespace. */
export interface PythonModule {
  path: string;
  /** Dotted name, e.g. `inventory.stock` (a package's `__init__.py` is the package itself). */
  name: string;
  /** Directory (repository-relative, '' for the root) that must be on sys.path to import it by that name. */
  importRoot: string;
  /** The package relative imports resolve against: the module's parent, or the package itself for `__init__`. */
  package: string;
}

export interface PythonTestPlan {
  runner: PythonTestRunner;
  /** Test files that import the target's module, directly or through other modules. */
  files: string[];
  /** Shell command run in the workspace root. */
  command: string;
  /** Where the runner writes machine-readable results (workspace-relative), if anywhere. */
  resultsFile?: string;
  /** The target's module. */
  module: PythonModule;
  /** Import roots of the target and of the test files, for the verify runner's sys.path. */
  importRoots: string[];
}

const skippedDirs = new Set([
  'node_modules',
  '__pycache__',
  'site-packages',
  'venv',
  'env',
  'build',
  'dist',
  '.afterburner-harness',
]);
export const junitFile = '.afterburner-harness/junit.xml';
export const unittestResultsFile = '.afterburner-harness/unittest.json';

async function pythonFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory() && !skippedDirs.has(entry.name)) found.push(...(await pythonFiles(root, path)));
    else if (entry.isFile() && entry.name.endsWith('.py')) found.push(path);
  }
  return found;
}

/** Module name by walking up while the directory is a package (has `__init__.py`), as pytest's rootdir logic does. */
export function moduleOf(path: string, files: ReadonlySet<string>): PythonModule {
  const parts = path.replace(/\.py$/, '').split('/');
  const isInit = parts.at(-1) === '__init__';
  if (isInit) parts.pop();
  let rootDepth = parts.length - 1;
  while (rootDepth > 0 && files.has([...parts.slice(0, rootDepth), '__init__.py'].join('/'))) rootDepth--;
  const nameParts = parts.slice(rootDepth);
  const name = nameParts.join('.');
  return {
    path,
    name,
    importRoot: parts.slice(0, rootDepth).join('/'),
    package: isInit ? name : nameParts.slice(0, -1).join('.'),
  };
}

export function isPythonTestFile(path: string): boolean {
  const name = posix.basename(path);
  if (name === 'conftest.py' || name === '__init__.py') return false;
  return (
    /^test_.*\.py$/.test(name) ||
    /_test\.py$/.test(name) ||
    name === 'tests.py' ||
    /(^|\/)tests?\//.test(path)
  );
}

const fromImport = /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*(?:\\\n[^\n#;]*)*)/gm;
const plainImport = /^[ \t]*import[ \t]+([^\n#;]*(?:\\\n[^\n#;]*)*)/gm;

function importedNames(list: string): string[] {
  return list
    .replace(/#[^\n]*/g, '')
    .replace(/[()\\]/g, ' ')
    .split(',')
    .map(
      (part) =>
        part
          .trim()
          .split(/\s+as\s+/)[0]
          ?.trim() ?? '',
    )
    .filter((name) => /^[\w.]+$/.test(name));
}

/** Module names a file may import: `import a.b` → a, a.b; `from .m import x` → pkg.m, pkg.m.x (parents included). */
export function importedModules(text: string, module: PythonModule): string[] {
  const found = new Set<string>();
  const addWithParents = (name: string) => {
    const parts = name.split('.');
    for (let i = 1; i <= parts.length; i++) found.add(parts.slice(0, i).join('.'));
  };
  for (const match of text.matchAll(plainImport)) {
    for (const name of importedNames(match[1] as string)) addWithParents(name);
  }
  for (const match of text.matchAll(fromImport)) {
    const source = match[1] as string;
    const level = /^\.*/.exec(source)?.[0].length ?? 0;
    let base = source.slice(level);
    if (level > 0) {
      const packageParts = module.package ? module.package.split('.') : [];
      const anchor = packageParts.slice(0, packageParts.length - (level - 1)).join('.');
      base = [anchor, base].filter(Boolean).join('.');
    }
    if (!base) continue;
    addWithParents(base);
    // `from pkg import name` imports the submodule pkg.name when there is one.
    for (const name of importedNames(match[2] as string)) if (name !== '*') found.add(`${base}.${name}`);
  }
  return [...found];
}

/** Test files from which the target's file is reachable through imports (conftest.py reaching it covers its directory). */
export async function relevantPythonTestFiles(
  root: string,
  targetPath: string,
  isTest: (path: string) => boolean = isPythonTestFile,
): Promise<string[]> {
  const files = await pythonFiles(root);
  const known = new Set(files);
  const byName = new Map<string, string[]>();
  const modules = new Map<string, PythonModule>();
  for (const file of files) {
    const module = moduleOf(file, known);
    modules.set(file, module);
    byName.set(module.name, [...(byName.get(module.name) ?? []), file]);
  }
  const importers = new Map<string, string[]>();
  for (const file of files) {
    const text = await readFile(join(root, file), 'utf8').catch(() => '');
    for (const name of importedModules(text, modules.get(file) as PythonModule)) {
      for (const imported of byName.get(name) ?? []) {
        if (imported !== file) importers.set(imported, [...(importers.get(imported) ?? []), file]);
      }
    }
  }
  const reached = new Set<string>([targetPath]);
  const queue = [targetPath];
  while (queue.length > 0) {
    for (const importer of importers.get(queue.shift() as string) ?? []) {
      if (!reached.has(importer)) {
        reached.add(importer);
        queue.push(importer);
      }
    }
  }
  const conftestDirs = [...reached]
    .filter((f) => posix.basename(f) === 'conftest.py')
    .map((f) => posix.dirname(f));
  const underConftest = (f: string) => conftestDirs.some((d) => d === '.' || f.startsWith(`${d}/`));
  return files.filter((f) => f !== targetPath && isTest(f) && (reached.has(f) || underConftest(f))).sort();
}

function quote(path: string): string {
  return `'${path.replace(/'/g, "'\\''")}'`;
}

function pytestCommand(python: string, list: string): string {
  // afterburner_pytest names the running test for the recorder (python/afterburner_pytest.py). A test file that
  // cannot be imported here (an optional dependency missing) must not stop the others: the gate leaves it out.
  return (
    `${python} -m pytest -q -p no:cacheprovider -p afterburner_pytest --continue-on-collection-errors ` +
    `--junitxml=${junitFile} ${list}`
  );
}

function unittestCommand(python: string, list: string): string {
  return `${python} .afterburner-harness/run_unittest.py ${unittestResultsFile} ${list}`;
}

/** Test files of the plan that import the target's module by name (not only through a package that does). */
export async function directPythonTestFiles(root: string, plan: PythonTestPlan): Promise<string[]> {
  const known = new Set(await pythonFiles(root));
  const direct: string[] = [];
  for (const file of plan.files) {
    const text = await readFile(join(root, file), 'utf8').catch(() => '');
    if (importedModules(text, moduleOf(file, known)).includes(plan.module.name)) direct.push(file);
  }
  return direct;
}

// Ids pytest can take back on a command line; parametrized ids with other characters fall back to their file.
const plainNodeId = /^[\w./-]+\.py(::[\w.-]+)+(\[[\w.,+-]*\])?$/;

/**
 * The plan cut down to the tests seen calling the target (ids written by the recorder) plus the test files that
 * import its module directly; undefined when nothing was attributed or nothing would be left out.
 */
export function narrowPythonPlan(
  plan: PythonTestPlan,
  attributed: string[],
  directFiles: string[],
  python: string,
): PythonTestPlan | undefined {
  if (plan.runner === 'script' || attributed.length === 0) return undefined;
  const fileOf = (id: string) =>
    plan.runner === 'pytest' ? id.split('::')[0] : unittestFile(id, plan.files);
  const wholeFiles = new Set(directFiles);
  const ids = new Map<string, string>();
  for (const id of attributed) {
    const file = fileOf(id);
    if (!file || !plan.files.includes(file)) continue;
    if (plan.runner === 'unittest' || plainNodeId.test(id)) ids.set(id, file);
    else wholeFiles.add(file);
  }
  const single = [...ids].filter(([, file]) => !wholeFiles.has(file));
  const files = plan.files.filter((f) => wholeFiles.has(f) || single.some(([, file]) => file === f));
  if (files.length === 0 || (single.length === 0 && files.length === plan.files.length)) return undefined;
  const selection = [...plan.files.filter((f) => wholeFiles.has(f)), ...single.map(([id]) => id).sort()];
  const list = selection.map(quote).join(' ');
  return {
    ...plan,
    files,
    command: plan.runner === 'pytest' ? pytestCommand(python, list) : unittestCommand(python, list),
  };
}

/** The file of a unittest id (`tests.test_x.TestX.test_y`): the plan's file whose module name begins it. */
function unittestFile(id: string, files: string[]): string | undefined {
  return files
    .filter((f) => id.startsWith(`${f.replace(/\.py$/, '').replaceAll('/', '.')}.`))
    .sort((a, b) => b.length - a.length)[0];
}

// Past this many test files, a package whose __init__ imports everything would have its whole suite recorded.
const nameFilterAbove = 20;

/**
 * When many test files reach the module only through imports, those whose text mentions the target or a function
 * that (by text) calls it, directly or through others; the recording run then finds out which really do.
 */
async function mentioningTestFiles(
  root: string,
  files: string[],
  target: { path: string; name?: string },
  isTest: (path: string) => boolean,
): Promise<string[]> {
  if (!target.name || files.length <= nameFilterAbove) return files;
  const all = await pythonFiles(root);
  const known = new Set(all);
  const importRoot = moduleOf(target.path, known).importRoot;
  // Callers that count: the package's own code beside the target, and conftest.py fixtures (tests take those by
  // name); not other tests, examples or scripts, whose throwaway names (`G = ...`) would match everything.
  const sources = all.filter(
    (f) =>
      posix.basename(f) === 'conftest.py' || (!isTest(f) && moduleOf(f, known).importRoot === importRoot),
  );
  const read = (f: string) => readFile(join(root, f), 'utf8').catch(() => '');
  const names = callerNames(await Promise.all(sources.map(read)), target.name);
  if (!names) return files;
  const kept: string[] = [];
  for (const file of files) if (mentionsName(await read(file), names)) kept.push(file);
  return kept.length > 0 ? kept : files;
}

/** How to run the tests relevant to one file: pytest or unittest on the files that reach it, or the repository's command. */
export async function planPythonTests(options: {
  sourceDir: string;
  targetPath: string;
  /** The repository's own test command (configured); it runs the whole suite. */
  testCommand?: string;
  /** The target's own name (a method's, without its class): large suites are cut to the tests that mention it. */
  targetName?: string;
  /** Which runner the sandbox has, when no command is configured. */
  runner: 'pytest' | 'unittest';
  python: string;
}): Promise<PythonTestPlan> {
  const { sourceDir, targetPath, testCommand, targetName, runner, python } = options;
  const config = await findPytestConfig(sourceDir, targetPath);
  const isTest = config ? pytestFileFilter(config) : isPythonTestFile;
  const reaching = await relevantPythonTestFiles(sourceDir, targetPath, isTest);
  const files = await mentioningTestFiles(
    sourceDir,
    reaching,
    { path: targetPath, name: targetName },
    isTest,
  );
  const known = new Set(await pythonFiles(sourceDir));
  known.add(targetPath);
  const module = moduleOf(targetPath, known);
  const importRoots = [...new Set([module.importRoot, ...files.map((f) => moduleOf(f, known).importRoot)])];
  const base = { files, module, importRoots };
  if (testCommand) return { ...base, runner: 'script', command: testCommand };
  const list = files.map(quote).join(' ');
  if (runner === 'pytest') {
    return {
      ...base,
      runner,
      resultsFile: junitFile,
      command: pytestCommand(python, list),
    };
  }
  return {
    ...base,
    runner,
    resultsFile: unittestResultsFile,
    command: unittestCommand(python, list),
  };
}

const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, code: string) => {
    if (code.startsWith('#x') || code.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(code.slice(2), 16));
    if (code.startsWith('#')) return String.fromCodePoint(Number.parseInt(code.slice(1), 10));
    return entities[code] ?? whole;
  });
}

function attribute(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : unescapeXml(value);
}

type Counts = Pick<TestRun, 'passedCount' | 'failedCount' | 'failures'>;

/** pytest's JUnit XML: one `<testcase>` per test, with a `<failure>` or `<error>` child when it did not pass. */
export function parseJunitXml(xml: string): Counts {
  if (!/<testsuites?\b/.test(xml)) throw new Error('not JUnit XML');
  const failures: TestFailure[] = [];
  let passedCount = 0;
  for (const match of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attributes = match[1] as string;
    const body = match[3] ?? '';
    const name = [attribute(attributes, 'classname'), attribute(attributes, 'name')]
      .filter(Boolean)
      .join('::');
    const problem = /<(failure|error)\b([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/.exec(body);
    if (problem) {
      const message = attribute(problem[2] as string, 'message') ?? '';
      const detail = unescapeXml(problem[4] ?? '');
      // pytest puts the assertion (`E   assert ...`) in the body; the message attribute is its first line.
      const assertion = detail
        .split('\n')
        .filter((l) => l.startsWith('E '))
        .map((l) => l.slice(1).trim())
        .join('\n');
      failures.push({ name, message: firstLines(assertion || message || detail) });
    } else if (!/<skipped\b/.test(body)) {
      passedCount++;
    }
  }
  return { passedCount, failedCount: failures.length, failures };
}

function parseUnittestJson(text: string): Counts {
  const data = JSON.parse(text) as { passed?: number; failed?: number; failures?: TestFailure[] };
  const failures = (data.failures ?? []).map((f) => ({ name: f.name, message: firstLines(f.message) }));
  return { passedCount: data.passed ?? 0, failedCount: data.failed ?? failures.length, failures };
}

/** The outcome of a test run, with failing tests' names and first assertion lines for the model's feedback. */
export function summarizePythonTestRun(
  plan: PythonTestPlan,
  run: ExecResult,
  resultsText: string | undefined,
): TestRun {
  const base = baseTestRun(plan, run);
  if (!resultsText) return base;
  try {
    return {
      ...base,
      ...(plan.runner === 'unittest' ? parseUnittestJson(resultsText) : parseJunitXml(resultsText)),
    };
  } catch {
    return base;
  }
}

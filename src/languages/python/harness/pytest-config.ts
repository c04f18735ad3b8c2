import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import picomatch from 'picomatch';
import { parse as parseToml } from 'smol-toml';

/** The parts of a project's pytest configuration that decide which files are tests. */
export interface PytestConfig {
  /** Repository-relative path of the file the settings came from. */
  file: string;
  /** Directories (repository-relative) the suite lives in, when the project names them. */
  testpaths?: string[];
  /** Globs a test file's name must match (pytest's default: test_*.py and *_test.py). */
  pythonFiles: string[];
}

const defaultPythonFiles = ['test_*.py', '*_test.py'];

/** `[section]` of an ini file as pytest's iniconfig reads it: `key = value`, indented lines continue a value. */
export function iniSection(text: string, section: string): Record<string, string> | undefined {
  let inside = false;
  let found = false;
  let key: string | undefined;
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') continue;
    const header = /^\[([^\]]+)\]/.exec(raw);
    if (header) {
      inside = header[1]?.trim() === section;
      found ||= inside;
      key = undefined;
      continue;
    }
    if (!inside) continue;
    if (/^\s/.test(raw) && key) {
      values[key] = `${values[key]}\n${raw.trim()}`;
      continue;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!pair) continue;
    key = pair[1] as string;
    values[key] = (pair[2] as string).trim();
  }
  return found ? values : undefined;
}

function words(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return undefined;
}

/** The pytest settings in one directory, in pytest's order: pytest.ini, pyproject.toml, tox.ini, setup.cfg. */
async function settingsIn(
  root: string,
  dir: string,
): Promise<{ file: string; values: Record<string, unknown> } | undefined> {
  const read = (name: string) => readFile(join(root, dir, name), 'utf8').catch(() => undefined);
  for (const name of ['pytest.ini', '.pytest.ini']) {
    const text = await read(name);
    // pytest.ini is the configuration file even when it has no [pytest] section.
    if (text !== undefined) return { file: posix.join(dir, name), values: iniSection(text, 'pytest') ?? {} };
  }
  const pyproject = await read('pyproject.toml');
  if (pyproject !== undefined) {
    try {
      const tool = (parseToml(pyproject) as { tool?: { pytest?: { ini_options?: Record<string, unknown> } } })
        .tool;
      const options = tool?.pytest?.ini_options;
      if (options) return { file: posix.join(dir, 'pyproject.toml'), values: options };
    } catch {
      // pytest itself would stop on a broken pyproject.toml; the tests then fail with pytest's own message.
    }
  }
  for (const [name, section] of [
    ['tox.ini', 'pytest'],
    ['setup.cfg', 'tool:pytest'],
  ] as const) {
    const text = await read(name);
    const values = text === undefined ? undefined : iniSection(text, section);
    if (values) return { file: posix.join(dir, name), values };
  }
  return undefined;
}

/**
 * The configuration pytest would use for the target's tests: the nearest directory, from the target's up to the
 * repository root, that holds a pytest configuration (pytest looks upward from the files it is given).
 */
export async function findPytestConfig(root: string, targetPath: string): Promise<PytestConfig | undefined> {
  let dir = posix.dirname(targetPath);
  for (;;) {
    const found = await settingsIn(root, dir === '.' ? '' : dir);
    if (found) {
      const base = posix.dirname(found.file);
      const testpaths = words(found.values.testpaths)?.map((p) => posix.normalize(posix.join(base, p)));
      return {
        file: found.file,
        ...(testpaths && testpaths.length > 0 ? { testpaths } : {}),
        pythonFiles: words(found.values.python_files) ?? defaultPythonFiles,
      };
    }
    if (dir === '.' || dir === '') return undefined;
    dir = posix.dirname(dir);
  }
}

/** A test-file predicate that follows the configuration: under testpaths (when set) and named like python_files. */
export function pytestFileFilter(config: PytestConfig): (path: string) => boolean {
  // pytest matches a pattern without a slash against the file name, one with a slash against the whole path.
  const byName = picomatch(
    config.pythonFiles.filter((p) => !p.includes('/')),
    { dot: true },
  );
  const byPath = config.pythonFiles
    .filter((p) => p.includes('/'))
    .map((p) => picomatch(`**/${p}`, { dot: true }));
  const roots = config.testpaths?.map((p) => (p === '.' ? '' : `${p.replace(/\/$/, '')}/`));
  return (path) => {
    const name = posix.basename(path);
    if (name === 'conftest.py' || name === '__init__.py') return false;
    if (roots && !roots.some((r) => r === '' || path.startsWith(r) || `${path}/` === r)) return false;
    return byName(name) || byPath.some((match) => match(path));
  };
}

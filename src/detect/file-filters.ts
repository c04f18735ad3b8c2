import { extname } from 'node:path/posix';
import picomatch from 'picomatch';

/**
 * Extensions of programming-language source files. A changed file with one of these that no plug-in supports is
 * reported as skipped; any other file (docs, data, config, images) is not code and is ignored without a reason.
 */
const codeExtensions = new Set([
  '.js',
  '.mjs',
  '.cjs',
  '.jsx',
  '.ts',
  '.mts',
  '.cts',
  '.tsx',
  '.py',
  '.pyi',
  '.go',
  '.rs',
  '.java',
  '.kt',
  '.kts',
  '.scala',
  '.rb',
  '.php',
  '.c',
  '.h',
  '.cc',
  '.cpp',
  '.cxx',
  '.hpp',
  '.hh',
  '.cs',
  '.swift',
  '.m',
  '.mm',
  '.lua',
  '.pl',
  '.r',
  '.jl',
  '.dart',
  '.ex',
  '.exs',
  '.erl',
  '.clj',
  '.hs',
  '.ml',
  '.fs',
  '.zig',
  '.nim',
  '.vue',
  '.svelte',
  '.sh',
  '.bash',
  '.ps1',
]);

export function isCodeFile(path: string): boolean {
  return codeExtensions.has(extname(path).toLowerCase());
}

/** Lower-case extension with its dot. */
export function extensionOf(path: string): string {
  return extname(path).toLowerCase();
}

/**
 * Test files are run, not optimized. Globs match repository-relative paths; `.afterburner.yml` may replace them.
 */
export const defaultTestFileGlobs: readonly string[] = [
  '**/*.test.*',
  '**/*.spec.*',
  '**/__tests__/**',
  '**/test/**',
  '**/tests/**',
  '**/test_*.py',
  '**/*_test.py',
  '**/conftest.py',
];

const vendoredDirectories = new Set(['node_modules', 'dist', 'build', 'vendor']);
const minified = /[.-]min\.[cm]?js$/;

/** The skip reason of a test file: changed tests are evidence for the review, never a target of it. */
export const testFileReason = 'test file';

export interface PathFilterOptions {
  /** When non-empty, only paths matching one of these are analyzed. */
  include?: readonly string[];
  exclude?: readonly string[];
  /** Replaces the default test-file globs. */
  testFiles?: readonly string[];
}

/** Builds the check that says why a path is not worth optimizing (tests, vendored code, user globs), if so. */
export function createPathFilter(options: PathFilterOptions = {}): (path: string) => string | undefined {
  const matcher = (globs: readonly string[]) => {
    const matchers = globs.map((glob) => ({ glob, test: picomatch(glob, { dot: true }) }));
    return (path: string) => matchers.find((m) => m.test(path))?.glob;
  };
  const isTest = matcher(options.testFiles ?? defaultTestFileGlobs);
  const excludedBy = matcher(options.exclude ?? []);
  const includes = options.include ?? [];
  const includedBy = matcher(includes);
  return (path) => {
    if (isTest(path) !== undefined) return testFileReason;
    const segments = path.split('/');
    const name = segments.pop() ?? '';
    const vendored = segments.find((s) => vendoredDirectories.has(s));
    if (vendored) return `generated or vendored code (${vendored}/)`;
    if (minified.test(name.toLowerCase())) return 'generated or vendored code (minified)';
    const excluded = excludedBy(path);
    if (excluded !== undefined) return `excluded by pattern '${excluded}'`;
    if (includes.length > 0 && includedBy(path) === undefined) return 'not matched by any include pattern';
    return undefined;
  };
}

/** Generators conventionally mark their output with `@generated` near the top of the file. */
export function hasGeneratedMarker(text: string): boolean {
  return text.split('\n', 5).some((line) => line.includes('@generated'));
}

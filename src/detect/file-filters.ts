import { extname } from 'node:path/posix';

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

const testDirectories = new Set(['__tests__', 'test', 'tests']);
const vendoredDirectories = new Set(['node_modules', 'dist', 'build', 'vendor']);

/** Why a file is not worth optimizing judging by its path alone (tests, build output, vendored code). */
export function pathSkipReason(path: string): string | undefined {
  const segments = path.split('/');
  const name = segments.pop() ?? '';
  if (/\.(test|spec)\.[^.]+$/.test(name) || segments.some((s) => testDirectories.has(s))) return 'test file';
  const vendored = segments.find((s) => vendoredDirectories.has(s));
  if (vendored) return `generated or vendored code (${vendored}/)`;
  if (name.toLowerCase().endsWith('.min.js')) return 'generated or vendored code (minified)';
  return undefined;
}

/** Generators conventionally mark their output with `@generated` near the top of the file. */
export function hasGeneratedMarker(text: string): boolean {
  return text.split('\n', 5).some((line) => line.includes('@generated'));
}

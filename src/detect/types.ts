/** Languages afterburner understands; each has a detect plug-in under src/detect/languages/. */
export type Language = 'javascript' | 'typescript' | 'tsx' | 'python';

export type TargetKind = 'function' | 'method' | 'arrow' | 'function-expression' | 'generator';

/**
 * One changed function to optimize. Its line range covers whole lines: the full declaration statement
 * (e.g. `export function f() {…}` or `const f = () => …;`), so a suggestion that replaces lines
 * startLine..endLine with a candidate's text applies cleanly.
 */
export interface Target {
  /**
   * Stable id: `${path}:${name}`. Names can repeat within a file (a getter and setter pair, a static and an
   * instance method); every repeat after the first gets `@L${startLine}` appended so ids stay unique.
   */
  id: string;
  /** Repository-relative POSIX path on the head side. */
  path: string;
  language: Language;
  /** Qualified name: `helper`, `Cache.get`, `outer.inner`, `default`. */
  name: string;
  kind: TargetKind;
  /** 1-based, inclusive, on the head side. */
  startLine: number;
  endLine: number;
  /** Exact text of lines startLine..endLine of the head file, joined by '\n', no trailing newline. */
  source: string;
  /** Head-side line numbers inside the range that the diff added or changed; empty from `detectAllFunctions`. */
  changedLines: number[];
  /** Name under which the module exports this function (`default` for a default export); undefined if not exported. */
  exportName?: string;
  async: boolean;
  generator: boolean;
  /** Set for class and object-literal members (methods, accessors, function-valued fields and properties). */
  member?: TargetMember;
  /**
   * Set for a wrapped definition, a function defined inside a call (`const omit = curry(function omit(a, b) {…})`,
   * `export default memo(function Card(p) {…})`): the outermost call's callee (`curry`, `memo`). The target is
   * the inner function (its kind, parameters, calls); its range still covers the whole binding statement.
   */
  wrapper?: string;
  /** Extra source the model may need (the file's imports, referenced module-level definitions); bounded. */
  context: string;
}

export interface TargetMember {
  /** Qualified name of the class or object holding the member (`Cache`, `api.nested`). */
  owner: string;
  /** Name under which the module exports the owner, when it is a top-level class or object that is exported. */
  ownerExportName?: string;
  static: boolean;
  accessor?: 'get' | 'set';
}

/** A function or file that was looked at and deliberately not optimized. */
export interface SkippedTarget {
  path: string;
  name?: string;
  startLine?: number;
  endLine?: number;
  reason: string;
}

export interface DetectResult {
  /** Full SHA of merge-base(base, head); equals headSha for `detectAllFunctions`. */
  mergeBase: string;
  /** Full SHA of head. */
  headSha: string;
  targets: Target[];
  skipped: SkippedTarget[];
}

/** Which files and functions detection considers; `.afterburner.yml`'s `detect` section maps onto these. */
export interface DetectFilterOptions {
  /** Functions longer than this are skipped (default 200 lines). */
  maxFunctionLines?: number;
  /** Globs (picomatch, repository-relative); when non-empty only matching files are analyzed. */
  include?: string[];
  /** Globs of files never analyzed. */
  exclude?: string[];
  /** Globs of test files; replaces the defaults (`defaultTestFileGlobs`). */
  testFiles?: string[];
  /** Languages to analyze (default: all supported). */
  languages?: Language[];
}

export interface DetectOptions extends DetectFilterOptions {
  /** Path of the git repository (any directory inside the work tree). */
  repo: string;
  base: string;
  /** Defaults to HEAD. */
  head?: string;
}

/** Options of `detectAllFunctions`: every function of every eligible file at head, no diff. */
export interface DetectAllOptions extends DetectFilterOptions {
  repo: string;
  /** Defaults to HEAD. */
  head?: string;
}

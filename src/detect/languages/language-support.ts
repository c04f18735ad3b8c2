import type { Language, TargetKind, TargetMember } from '../types.js';

/** A function a language plug-in found in a file, before it is matched against the diff. */
export interface FoundFunction {
  /** Qualified name, as in `Target.name`. */
  name: string;
  kind: TargetKind;
  /** 1-based inclusive whole-line range a suggestion would replace, as in `Target`. */
  startLine: number;
  endLine: number;
  async: boolean;
  generator: boolean;
  exportName?: string;
  member?: TargetMember;
  /** As in `Target.wrapper`. */
  wrapper?: string;
  /** Number of found functions enclosing this one; the deepest one holding a changed line owns it. */
  depth: number;
  /** Why replacing startLine..endLine would not be a clean edit; such functions are reported as skipped. */
  unsafeReason?: string;
}

export type ParsedSource =
  | { ok: false; syntaxErrorLine: number }
  | {
      ok: true;
      functions: FoundFunction[];
      /** Imports and module-level definitions `fn` refers to, bounded in size. */
      contextFor(fn: FoundFunction): string;
      /**
       * `fn`'s own code as a comparable token stream without comments, layout or nested functions; equal
       * streams on both sides of a diff mean only comments or whitespace changed.
       */
      tokensOf(fn: FoundFunction): string;
      /** Whether `fn` holds comments or a docstring: only then can a change be more than layout yet not code. */
      hasDocumentation(fn: FoundFunction): boolean;
      /** Exact text of `fn`'s range (from its first decorator to its end, not whole lines). */
      textOf(fn: FoundFunction): string;
      /** Frees the syntax tree; call once done with `tokensOf`. */
      dispose(): void;
    };

/** One plug-in per language: src/detect/languages/<language>.ts. */
export interface LanguageSupport {
  language: Language;
  /** Lower-case file extensions including the dot. */
  extensions: readonly string[];
  parse(text: string): Promise<ParsedSource>;
}

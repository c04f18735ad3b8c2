import type { ExecutableLanguage, MeasuredProgram, ProgramRun } from '../execute/execute-code.js';

/** The name (request-schema.ts: letters, digits, `@._-/`) as a JSON string is a string literal in both languages. */
const probes: Record<ExecutableLanguage, (name: string) => string> = {
  python: (name) => `import importlib\nimportlib.import_module(${JSON.stringify(name)})\n`,
  javascript: (name) => `require.resolve(${JSON.stringify(name)});\n`,
};

export type RunProgram = (run: ProgramRun) => Promise<MeasuredProgram>;

/**
 * Whether a library is importable, asked once per image, language and name. The sandbox has no network, so a
 * library is either in the image or unavailable: nothing is ever installed.
 */
export class LibraryCheck {
  private readonly known = new Map<string, Promise<boolean>>();

  /** The libraries of `names` that programs run by `run` (in `image`) cannot import. */
  async missing(
    run: RunProgram,
    image: string,
    language: ExecutableLanguage,
    names: string[],
  ): Promise<string[]> {
    const missing: string[] = [];
    for (const name of new Set(names)) {
      const key = JSON.stringify([image, language, name]);
      let present = this.known.get(key);
      if (!present) {
        present = run({ language, code: probes[language](name), timeoutMs: 30_000 }).then(
          (result) => result.outcome === 'ok',
        );
        this.known.set(key, present);
        // A sandbox failure is not an answer about the library: ask again next time.
        present.catch(() => this.known.delete(key));
      }
      if (!(await present)) missing.push(name);
    }
    return missing;
  }
}

export function missingLibrariesMessage(missing: string[]): string {
  const list = missing.join(', ');
  return (
    `library not installed: ${list}. It cannot be installed here because the sandbox has no network; ` +
    'use an image that includes it (--image / --python-image).\n'
  );
}

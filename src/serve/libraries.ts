import type { ExecutableLanguage } from '../execute/execute-code.js';
import type { Workspace } from '../sandbox/types.js';

/** The name is an argument, never part of the code, so no name can inject anything. */
const probes: Record<ExecutableLanguage, string[]> = {
  python: ['python3', '-c', 'import importlib, sys; importlib.import_module(sys.argv[1])'],
  javascript: ['node', '-e', 'require.resolve(process.argv[1])'],
};

/**
 * Whether a library is importable, asked once per image, language and name. The sandbox has no network, so a
 * library is either in the image or unavailable: nothing is ever installed.
 */
export class LibraryCheck {
  private readonly known = new Map<string, Promise<boolean>>();

  /** The libraries of `names` that `workspace` (opened on `image`) cannot import. */
  async missing(
    workspace: Workspace,
    image: string,
    language: ExecutableLanguage,
    names: string[],
  ): Promise<string[]> {
    const missing: string[] = [];
    for (const name of new Set(names)) {
      const key = JSON.stringify([image, language, name]);
      let present = this.known.get(key);
      if (!present) {
        present = workspace
          .exec([...(probes[language] as string[]), name], { timeoutMs: 30_000 })
          .then((result) => result.outcome === 'ok');
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

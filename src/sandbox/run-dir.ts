import { rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { onProcessExit } from './exit-hooks.js';
import { currentProcess, type ProcessIdentity, processGone } from './process-identity.js';

const ownerFile = 'owner.json';

/**
 * Where runs keep their temporary directories: one folder per user, so that another user of a shared /tmp
 * cannot plant it (or a symlink in its place).
 */
export function runsRoot(tmp = os.tmpdir()): string {
  return path.join(tmp, `afterburner-runs-${process.getuid?.() ?? 'user'}`);
}

/**
 * The one directory a run's temporary files live under (`<runs root>/<run id>/`, with the creating process in
 * `owner.json`): removed when the run ends, when the process exits or is interrupted, and, after a SIGKILL, by
 * the next run's `reapRunDirs`.
 */
export class RunDir {
  private removeHook: () => void = () => {};

  private constructor(readonly path: string) {}

  static async create(runId: string, root = runsRoot()): Promise<RunDir> {
    if (!/^[\w.-]+$/.test(runId)) throw new Error(`run id ${runId} is not a plain name`);
    await fs.mkdir(root, { recursive: true, mode: 0o700 });
    const info = await fs.lstat(root);
    if (!info.isDirectory() || (process.getuid && info.uid !== process.getuid())) {
      throw new Error(`${root} is not a directory of this user`);
    }
    const dir = new RunDir(path.join(root, runId));
    await fs.mkdir(dir.path, { mode: 0o700 });
    await fs.writeFile(path.join(dir.path, ownerFile), `${JSON.stringify(currentProcess())}\n`);
    dir.removeHook = onProcessExit({
      cleanup: () => fs.rm(dir.path, { recursive: true, force: true }),
      cleanupSync: () => rmSync(dir.path, { recursive: true, force: true }),
    });
    return dir;
  }

  /** A fresh directory inside the run's, e.g. `head-XXXXXX`. */
  tempDir(prefix: string): Promise<string> {
    return fs.mkdtemp(path.join(this.path, prefix));
  }

  async dispose(): Promise<void> {
    this.removeHook();
    await fs.rm(this.path, { recursive: true, force: true });
  }
}

/** Removes the run directories whose creating process is gone; returns how many. */
export async function reapRunDirs(root = runsRoot()): Promise<number> {
  const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
  let reaped = 0;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, entry.name);
    const owner = await fs
      .readFile(path.join(dir, ownerFile), 'utf8')
      .then((text) => JSON.parse(text) as ProcessIdentity)
      .catch(() => undefined);
    // No owner file: a run between mkdir and writing it, or not ours to judge.
    if (!owner || !processGone(owner)) continue;
    await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
    reaped++;
  }
  return reaped;
}

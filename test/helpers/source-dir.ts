import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A small repository-like directory with a `.git` folder, removed by the returned cleanup. */
export async function makeSourceDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'afterburner-src-'));
  await fs.mkdir(path.join(dir, '.git'));
  await fs.writeFile(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  await fs.mkdir(path.join(dir, 'src'));
  await fs.writeFile(path.join(dir, 'src', 'add.js'), 'exports.add = (a, b) => a + b;\n');
  await fs.writeFile(path.join(dir, 'package.json'), '{"name":"fixture"}\n');
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

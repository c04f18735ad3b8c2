import { createHash } from 'node:crypto';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Workspace } from '../sandbox/types.js';

/** What selects and runs the tests; the text of the files it names is hashed with it. */
export interface SelectedTests {
  runner: string;
  command: string;
  cwd?: string;
  files: string[];
}

/** One file of the head tree as hashed: its text, a link's target (never followed), or its absence. */
async function fileMaterial(path: string): Promise<string> {
  try {
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) return `link:${await readlink(path)}`;
    if (!stats.isFile()) return 'not-a-file';
    return `file:${createHash('sha256')
      .update(await readFile(path))
      .digest('hex')}`;
  } catch {
    return 'missing';
  }
}

/** A hash of how the selected tests run and of each test file's text, read from the head tree on the host. */
export async function hashSelectedTests(sourceDir: string, plan: SelectedTests): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ runner: plan.runner, command: plan.command, cwd: plan.cwd ?? '' }));
  for (const file of [...plan.files].sort()) {
    hash.update(`\n${file}\n${await fileMaterial(join(sourceDir, plan.cwd ?? '', file))}`);
  }
  return hash.digest('hex');
}

// The Node recorder frames v8-serialized records (u32 length + payload), each with a per-process key (pid and
// clock) and, for nested calls, its parent's key; test workers append concurrently. So: the keys are dropped,
// each record is hashed alone, and the sorted hashes are hashed, which is the same for the same calls.
const nodeCallsDigest = `
const fs = require('node:fs'), v8 = require('node:v8'), { createHash } = require('node:crypto');
const data = fs.readFileSync(process.argv[1]);
const hashes = [];
for (let at = 0; at + 4 <= data.length; ) {
  const size = data.readUInt32LE(at);
  const record = v8.deserialize(data.subarray(at + 4, at + 4 + size));
  at += 4 + size;
  record.parent = record.parent === undefined ? 0 : 1;
  delete record.key;
  hashes.push(createHash('sha256').update(v8.serialize(record)).digest('hex'));
}
console.log(createHash('sha256').update(hashes.sort().join('\\n')).digest('hex'));
`;

export type RecordingFormat = 'node-v8' | 'bytes';

/**
 * A hash of the recorded calls, taken inside the sandbox (a recording can be larger than a command's output may
 * be), with the system's tools, not the repository's (no node_modules/.bin on PATH). Undefined when it fails.
 */
export async function hashRecordedCalls(
  workspace: Workspace,
  captureFile: string,
  format: RecordingFormat,
): Promise<string | undefined> {
  const file = posix.join(workspace.root, captureFile);
  const command =
    format === 'node-v8'
      ? ['node', '-e', nodeCallsDigest, file]
      : ['sh', '-c', 'sha256sum -- "$1" 2>/dev/null || shasum -a 256 -- "$1"', 'sh', file];
  const run = await workspace.exec(command, {
    timeoutMs: 60_000,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/tmp' },
  });
  const digest = /^[0-9a-f]{64}\b/.exec(run.stdout.trim())?.[0];
  return run.outcome === 'ok' ? digest : undefined;
}

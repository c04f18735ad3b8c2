import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeHarnessDir } from '../../src/paths.js';

/** The recorder and the modules it requires, which the harness copies side by side into its directory. */
const recorderFiles = ['recorder.cjs', 'recorder-values.cjs', 'recorder-callbacks.cjs', 'recorder-files.cjs'];

/** Copies the recorder into `harnessDir` (a workspace's `.afterburner-harness`), as the harness does. */
export async function copyRecorder(harnessDir: string): Promise<void> {
  for (const file of recorderFiles) await copyFile(join(nodeHarnessDir, file), join(harnessDir, file));
}

// Runs inside the sandbox, in the verify runner: the spec it was started with (node verify-runner.mjs SPEC.json),
// read once for the runner's modules.
import { readFileSync } from 'node:fs';

export const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));

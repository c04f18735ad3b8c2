import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

const goldenDir = join(import.meta.dirname, '..', 'golden');

/** Compares text with test/golden/NAME; `UPDATE_GOLDEN=1 npx vitest run` rewrites the files. */
export function expectGolden(name: string, actual: string): void {
  const path = join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.CI === 'true')
      throw new Error(`golden file ${name} is missing; run the tests locally first`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

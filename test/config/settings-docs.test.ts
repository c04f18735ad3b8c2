import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { settings } from '../../src/config/settings.js';
import { withActionInputs, withSettingsTable } from '../../src/config/settings-docs.js';
import { repoRoot } from '../helpers/cli.js';

describe('the settings table is the documentation', () => {
  it("README.md's settings table is the one generated from it (npm run docs:settings)", async () => {
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
    expect(withSettingsTable(readme)).toBe(readme);
  });

  it("action.yml's inputs are the ones generated from it, with no default but the token's", async () => {
    const text = await readFile(join(repoRoot, 'action.yml'), 'utf8');
    expect(withActionInputs(text)).toBe(text);
    const inputs = (parse(text) as { inputs: Record<string, { default?: string }> }).inputs;
    expect(Object.keys(inputs)).toEqual(settings.filter((s) => s.sources.input).map((s) => s.name));
    const withDefaults = Object.entries(inputs).filter(([, input]) => input.default !== undefined);
    expect(withDefaults.map(([name]) => name)).toEqual(['github-token']);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadFileConfig, parseFileConfig } from '../../src/config/file-config.js';
import { AfterburnerError } from '../../src/errors.js';

describe('parseFileConfig', () => {
  test('every detect key, in the shape detection takes', () => {
    const config = parseFileConfig(
      [
        'detect:',
        '  include: ["src/**"]',
        '  exclude:',
        '    - "src/legacy/**"',
        '  languages: [typescript, python]',
        '  max-function-lines: 80',
        '  test-files: ["**/*.check.ts"]',
      ].join('\n'),
    );
    expect(config).toMatchObject({
      source: '.afterburner.yml',
      detect: {
        include: ['src/**'],
        exclude: ['src/legacy/**'],
        languages: ['typescript', 'python'],
        maxFunctionLines: 80,
        testFiles: ['**/*.check.ts'],
      },
    });
  });

  test('an empty file or an empty section means defaults', () => {
    expect(parseFileConfig('').detect).toEqual({});
    expect(parseFileConfig('# nothing yet\n').detect).toEqual({});
    expect(parseFileConfig('detect: {}\n').detect).toEqual({});
  });

  test.for([
    { name: 'unknown top-level key', text: 'detekt:\n  include: []\n', message: "unknown key 'detekt'" },
    {
      name: 'unknown key in a section',
      text: 'detect:\n  max-lines: 3\n',
      message: "unknown key 'detect.max-lines'",
    },
    {
      name: 'language outside the allowed values',
      text: 'detect:\n  languages: [python, ruby]\n',
      message: 'detect.languages[1]: must be one of javascript, typescript, tsx, python',
    },
    {
      name: 'max-function-lines not a positive integer',
      text: 'detect:\n  max-function-lines: 0\n',
      message: 'detect.max-function-lines: Too small: expected number to be >=1',
    },
    {
      name: 'max-function-lines as a string',
      text: 'detect:\n  max-function-lines: "many"\n',
      message: 'detect.max-function-lines: expected number',
    },
    {
      name: 'a secret (never in a file)',
      text: 'optimize:\n  api-key: sk-123\n',
      message: "unknown key 'optimize.api-key'",
    },
    {
      name: 'glob list of numbers',
      text: 'detect:\n  include: [1, 2]\n',
      message: 'detect.include: Invalid input',
    },
    {
      name: 'empty glob',
      text: 'detect:\n  exclude: [""]\n',
      message: 'detect.exclude[0]: must not be empty',
    },
    { name: 'not a mapping', text: '- a\n- b\n', message: 'must be a mapping of keys to values' },
    { name: 'YAML syntax error', text: 'detect:\n  include: [a\n', message: 'invalid YAML at line' },
    { name: 'duplicate key', text: 'detect: {}\ndetect: {}\n', message: 'invalid YAML at line 2' },
  ])('$name is a usage error naming the file and key', ({ text, message }) => {
    let error: unknown;
    try {
      parseFileConfig(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AfterburnerError);
    expect((error as AfterburnerError).kind).toBe('usage');
    expect((error as AfterburnerError).message).toContain(`.afterburner.yml: ${message}`);
    expect((error as AfterburnerError).message).not.toContain('\n');
  });
});

describe('loadFileConfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'afterburner-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('no file: defaults, no source', async () => {
    expect(await loadFileConfig(dir)).toEqual({ detect: {} });
  });

  test('reads .afterburner.yml, else .afterburner.yaml', async () => {
    await writeFile(join(dir, '.afterburner.yaml'), 'detect:\n  max-function-lines: 5\n');
    expect(await loadFileConfig(dir)).toMatchObject({
      source: '.afterburner.yaml',
      detect: { maxFunctionLines: 5 },
    });
    await writeFile(join(dir, '.afterburner.yml'), 'detect:\n  max-function-lines: 7\n');
    expect(await loadFileConfig(dir)).toMatchObject({
      source: '.afterburner.yml',
      detect: { maxFunctionLines: 7 },
    });
  });

  test('an invalid file fails with its name', async () => {
    await writeFile(join(dir, '.afterburner.yaml'), 'bogus: 1\n');
    await expect(loadFileConfig(dir)).rejects.toThrow(".afterburner.yaml: unknown key 'bogus'");
  });
});

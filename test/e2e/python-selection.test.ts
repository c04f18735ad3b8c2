import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import type { RunReport } from '../../src/report/index.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';

// Names no other run uses: a second tag of the test image for Python, and a Node image that does not exist.
const pythonOnlyRepo = 'afterburner-python-only';
const pythonOnlyImage = `${pythonOnlyRepo}:e2e-${process.pid}`;
const missingImage = `afterburner-no-such-image:e2e-${process.pid}`;

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

/**
 * py-ledger: every module is imported through the package's __init__, four check files reach distinct_tags that
 * way, two call it, and one of those two fails before any change (it needs an optional module). pytest's
 * configuration names the checks (testpaths, python_files); a failing smoke test outside it must not run.
 */
describe.each(modes)('afterburner review of a Python package, %s sandbox', (mode) => {
  let fixture: FixtureRepo;
  let result: CliResult;
  let report: RunReport;
  let markdown: string;

  beforeAll(async () => {
    if (mode === 'docker')
      await new Docker().getImage(dockerTestImage).tag({ repo: pythonOnlyRepo, tag: `e2e-${process.pid}` });
    fixture = await materializeFixture('py-ledger');
    const out = join(fixture.dir, '..', `${mode}-ledger.md`);
    const json = join(fixture.dir, '..', `${mode}-ledger.json`);
    result = await runCli([
      'review',
      ...['--repo', fixture.dir, '--base', fixture.base, '--head', fixture.head, '--provider', 'rules'],
      ...['--sandbox', mode, '--python-image', pythonOnlyImage, '--image', missingImage],
      ...['--rounds', '12', '--out', out, '--json', json],
    ]);
    markdown = await readFile(out, 'utf8').catch(() => '');
    report = JSON.parse(await readFile(json, 'utf8').catch(() => '{}')) as RunReport;
  });

  afterAll(async () => {
    await fixture?.dispose();
    if (mode === 'docker')
      await new Docker()
        .getImage(pythonOnlyImage)
        .remove()
        .catch(() => {});
  });

  it('verifies the target with only the Python image present, and names that image', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(report.suggestions.map((s) => s.name)).toEqual(['distinct_tags']);
    if (mode === 'docker') {
      expect(report.sandbox.description).toContain(`image ${pythonOnlyImage}`);
      expect(report.sandbox.description).not.toContain(missingImage);
    }
  });

  it('checks candidates against the tests that call the target, not every test reached through __init__', () => {
    const tests = report.suggestions[0]?.tests;
    expect(tests?.files).toEqual(['checks/check_sync.py', 'checks/check_tags.py']);
    expect(tests?.command).toContain("'checks/check_tags.py::test_many_entries'");
    expect(tests?.command).not.toContain('test_entry_fields');
    expect(tests?.command).not.toContain('check_currency');
    expect(tests?.command).not.toContain('scripts/');
    expect(tests?.passedCount).toBe(3);
  });

  it('leaves out the test that fails before any change and says so in the report', () => {
    const tests = report.suggestions[0]?.tests;
    expect(tests?.preexistingFailures).toEqual([expect.stringContaining('test_upload_tagged_entries')]);
    expect(markdown).toMatch(
      /1 test fails before any change; not used as evidence: `[^`]*test_upload_tagged_entries`/,
    );
  });
});

describe.runIf(modes.includes('docker'))('afterburner review when the Python image is missing', () => {
  let fixture: FixtureRepo;

  beforeAll(async () => {
    fixture = await materializeFixture('py-ledger');
  });

  afterAll(async () => {
    await fixture?.dispose();
  });

  it('fails with exit 3 and a message naming the image and the flag that sets it', async () => {
    const result = await runCli([
      'review',
      ...['--repo', fixture.dir, '--base', fixture.base, '--head', fixture.head, '--provider', 'rules'],
      ...['--sandbox', 'docker', '--python-image', missingImage, '--image', dockerTestImage],
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`image ${missingImage} is not present`);
    expect(result.stderr).toContain('set it with --python-image or $AFTERBURNER_PYTHON_IMAGE');
    expect(result.stderr).not.toMatch(/internal error/);
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FixtureRepo } from '../../src/demo/materialize-fixture.js';
import type { RunReport } from '../../src/report/index.js';
import { runCli } from './cli.js';
import { dockerTestImage } from './docker.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai.js';

export interface ModelReview {
  exitCode: number;
  stderr: string;
  report: RunReport;
  markdown: string;
  /** The loopback model; the caller closes it. */
  model: FakeOpenAI;
}

/**
 * `afterburner review` of a materialized fixture through the bundled CLI, as a user runs it, with a loopback
 * model answering `answer`; the Markdown and JSON reports go beside the fixture, named by `label` and `mode`.
 */
export async function reviewWithModel(options: {
  fixture: FixtureRepo;
  mode: 'process' | 'docker';
  label: string;
  answer: Parameters<typeof startFakeOpenAI>[0];
  args?: string[];
}): Promise<ModelReview> {
  const { fixture, mode, label } = options;
  const model = await startFakeOpenAI(options.answer);
  const out = join(fixture.dir, '..', `${label}-${mode}-report.md`);
  const json = join(fixture.dir, '..', `${label}-${mode}-report.json`);
  const result = await runCli([
    'review',
    ...['--repo', fixture.dir, '--base', fixture.base, '--head', fixture.head],
    ...['--base-url', model.baseUrl, '--model', 'fake-coder', '--sandbox', mode, '--image', dockerTestImage],
    ...['--python-image', dockerTestImage],
    ...['--out', out, '--json', json],
    ...(options.args ?? []),
  ]);
  return {
    exitCode: result.code,
    stderr: result.stderr,
    report: JSON.parse(await readFile(json, 'utf8').catch(() => '{}')) as RunReport,
    markdown: await readFile(out, 'utf8').catch(() => ''),
    model,
  };
}

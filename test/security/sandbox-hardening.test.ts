import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/index.js';
import { type CliResult, repoRoot, runCli } from '../helpers/cli.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { type GitFixture, gitFixture, totalPackage } from '../helpers/git-fixture.js';

/**
 * Issue 13, items 7, 8, 9 and the setup part of 12: what a pull request's tree can do to the sandbox around it.
 * Each case runs `afterburner review` as a user does (the bundled CLI); Docker cases need a daemon (CI fails
 * without one, see dockerAvailable).
 */
const withDocker = await dockerAvailable();
const modes: ('process' | 'docker')[] = withDocker ? ['process', 'docker'] : ['process'];
const slow = 600_000;

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'afterburner-hardening-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function review(
  fixture: GitFixture,
  mode: 'process' | 'docker',
  label: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<CliResult & { report: RunReport }> {
  const json = join(scratch, `${label}-${mode}.json`);
  const result = await runCli(
    [
      'review',
      ...['--repo', fixture.dir, '--base', fixture.base, '--head', fixture.head],
      ...[
        '--sandbox',
        mode,
        '--image',
        dockerTestImage,
        '--rounds',
        '5',
        '--json',
        json,
        '--out',
        `${json}.md`,
      ],
      ...args,
    ],
    { env },
  );
  const report = JSON.parse(await readFile(json, 'utf8').catch(() => '{}')) as RunReport;
  return { ...result, report };
}

describe.each(modes)('a pull request tree against the %s sandbox', (mode) => {
  it(
    'runs the tests with the real node, not a node_modules/.bin/node the tree planted (item 7)',
    async () => {
      const marker = join(scratch, `shim-ran-${mode}`);
      const shim = `#!/bin/sh\necho planted > '${marker}' 2>/dev/null\necho "shim node ran" >&2\nexit 99\n`;
      const fixture = await gitFixture(
        { files: { ...totalPackage.base, 'node_modules/.bin/node': shim } },
        { files: totalPackage.head },
      );
      try {
        const { code, report } = await review(fixture, mode, 'shim');
        expect(code).toBe(0);
        expect(report.functionsAnalysed).toBe(1);
        // The tests ran (and passed) on the original: the target got past preparing.
        expect(report.skipped.filter((s) => s.stage === 'prepare')).toEqual([]);
        expect(existsSync(marker)).toBe(false);
      } finally {
        await fixture.dispose();
      }
    },
    slow,
  );

  it(
    'leaves out a symlink out of the repository with a notice naming it, and keeps the ones inside (item 9)',
    async () => {
      const fixture = await gitFixture(
        {
          files: totalPackage.base,
          links: { evil: '../../etc', 'docs/abs': '/etc/passwd', ok: 'src/total.js' },
        },
        { files: totalPackage.head },
      );
      try {
        const { code, report, stderr } = await review(fixture, mode, 'links');
        expect(code).toBe(0);
        const reasons = report.skipped.map((s) => s.reason).join('\n');
        expect(reasons).not.toMatch(/internal error|HTTP code/);
        expect(report.skipped.filter((s) => s.stage === 'prepare')).toEqual([]);
        const notices = report.notices.filter((line) => line.includes('symlink'));
        expect(notices).toHaveLength(1);
        expect(notices[0]).toMatch(/\bevil\b/);
        expect(notices[0]).toMatch(/\bdocs\/abs\b/);
        expect(notices[0]).not.toMatch(/\bok\b/);
        expect(stderr).toContain(notices[0]);
      } finally {
        await fixture.dispose();
      }
    },
    slow,
  );

  it(
    'reports a failing setup command once, as a setup failure, and exits non-zero (item 12)',
    async () => {
      const fixture = await gitFixture(
        { files: totalPackage.base },
        {
          files: {
            ...totalPackage.head,
            // A second function a rule rewrites (set-membership): both wait on the setup.
            'src/more.js': 'export function common(a, b) {\n  return a.filter((x) => b.includes(x));\n}\n',
          },
        },
      );
      try {
        const setup = 'echo resolving left-pad; echo E404 left-pad not found >&2; exit 3';
        const { code, stderr, report } = await review(fixture, mode, 'setup', ['--setup-command', setup]);
        expect(code).not.toBe(0);
        expect(code).toBe(4);
        const message = stderr.trim().split('\n').at(-1) ?? '';
        expect(message).toMatch(/^afterburner: nothing could be checked: setup .* exited with 3: /);
        expect(message).toContain('E404 left-pad not found');
        expect(stderr).not.toMatch(/internal error/);
        // The report is still written: one notice for the setup, and each function says why it was not checked.
        const setupNotices = report.notices.filter((line) => /setup/i.test(line));
        expect(setupNotices).toHaveLength(1);
        expect(setupNotices[0]).toMatch(/exited with 3: .*E404 left-pad not found/);
        expect(report.skipped.map((s) => s.reason).sort()).toEqual([
          'not checked: the setup command exited with 3',
          'not checked: the setup command exited with 3',
        ]);
      } finally {
        await fixture.dispose();
      }
    },
    slow,
  );
});

const git = promisify(execFile);

describe.skipIf(!withDocker)('a SIGKILLed review (item 8)', () => {
  const docker = new Docker();
  let fixture: GitFixture;
  let tmp: string;
  let first: ChildProcess | undefined;
  const leftContainers: string[] = [];

  beforeAll(async () => {
    fixture = await gitFixture({ files: totalPackage.base }, { files: totalPackage.head });
    // Head is not what is checked out, so the review exports it into a temporary directory.
    await git('git', ['-C', fixture.dir, 'checkout', '--quiet', '--detach', fixture.base]);
    tmp = join(scratch, 'tmp');
    await mkdir(tmp);
  });

  afterAll(async () => {
    first?.kill('SIGKILL');
    for (const id of leftContainers) {
      await docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => {});
    }
    await fixture?.dispose();
  });

  async function tempEntries(dir: string): Promise<string[]> {
    // The per-user folder of run directories stays; what matters is what is in it.
    const entries = await readdir(dir, { recursive: true }).catch(() => []);
    return entries.map(String).filter((name) => !/^afterburner-runs-[^/]+$/.test(name));
  }

  it(
    'leaves a container and a temporary directory that the next run removes at its start',
    async () => {
      const target = 'src/total.js:total';
      const before = new Set((await docker.listContainers({ all: true })).map((c) => c.Id));
      const child = spawn(
        process.execPath,
        [
          join(repoRoot, 'dist', 'cli.js'),
          'review',
          ...['--repo', fixture.dir, '--base', fixture.base, '--head', fixture.head],
          ...['--sandbox', 'docker', '--image', dockerTestImage, '--test-command', 'sleep 600'],
          ...['--out', join(scratch, 'killed.md')],
        ],
        { env: { ...process.env, TMPDIR: tmp, CI: 'true' }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      first = child;
      let progress = '';
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          progress += chunk.toString();
          if (progress.includes('running the tests and benchmark on the original')) resolve();
        });
        void exited.then(() => reject(new Error(`the review ended before its tests ran:\n${progress}`)));
      });
      const ours = (await docker.listContainers({ all: true })).filter(
        (c) => !before.has(c.Id) && c.Labels['afterburner.target'] === target,
      );
      expect(ours).toHaveLength(1);
      const container = ours[0] as Docker.ContainerInfo;
      leftContainers.push(container.Id);
      child.kill('SIGKILL');
      await exited;
      expect((await docker.getContainer(container.Id).inspect()).State.Running).toBe(true);
      expect((await tempEntries(tmp)).some((name) => name.includes('afterburner-head-'))).toBe(true);

      const second = await runCli(
        [
          'review',
          ...['--repo', fixture.dir, '--base', fixture.base, '--head', fixture.head],
          ...['--sandbox', 'docker', '--image', dockerTestImage, '--rounds', '5'],
          ...['--out', join(scratch, 'second.md')],
        ],
        { env: { TMPDIR: tmp } },
      );
      expect(second.code).toBe(0);
      await expect(docker.getContainer(container.Id).inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect(await tempEntries(tmp)).toEqual([]);
    },
    slow,
  );
});

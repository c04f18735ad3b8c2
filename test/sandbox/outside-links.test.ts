import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSandbox } from '../../src/sandbox/docker-sandbox.js';
import { leavesTree } from '../../src/sandbox/outside-links.js';
import { ProcessSandbox } from '../../src/sandbox/process-sandbox.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { makeSourceDir } from '../helpers/source-dir.js';

const sandboxes: [string, () => Promise<Sandbox>][] = [['process', async () => new ProcessSandbox()]];
if (await dockerAvailable()) {
  sandboxes.push([
    'docker',
    () => DockerSandbox.connect({ image: dockerTestImage, runId: `test-links-${process.pid}`, reap: false }),
  ]);
}

describe('which symlinks leave the tree, by their text', () => {
  it.each([
    ['evil', '../../etc', true],
    ['a/b/up', '../../..', true],
    ['abs', '/etc/passwd', true],
    ['ok', 'src/x.js', false],
    ['a/b/sibling', '../c', false],
    ['a/root', '..', false],
    ['a/b/in-and-out', 'x/../../../..', true],
  ])('%s -> %s: %s', (link, target, leaves) => {
    expect(leavesTree(link, target)).toBe(leaves);
  });
});

describe.each(sandboxes)('symlinks in the %s sandbox copy (issue 13, item 9)', (_name, makeSandbox) => {
  let sandbox: Sandbox;
  let source: Awaited<ReturnType<typeof makeSourceDir>>;

  beforeAll(async () => {
    source = await makeSourceDir();
    await fs.symlink('../../etc', path.join(source.dir, 'evil'));
    await fs.symlink('/etc/hostname', path.join(source.dir, 'src', 'abs'));
    await fs.symlink('src/add.js', path.join(source.dir, 'ok'));
    await fs.symlink('../src/add.js', path.join(source.dir, 'src', 'up-ok'));
    sandbox = await makeSandbox();
  });

  afterAll(async () => {
    await sandbox?.close();
    await source?.cleanup();
  });

  it('copies the tree without the links that leave it, says so once, and keeps the others', async () => {
    const notices: string[] = [];
    const workspace = await sandbox.open({ sourceDir: source.dir, onNotice: (line) => notices.push(line) });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^Left out 2 symlinks that point outside the repository .*: (evil, src\/abs|src\/abs, evil)\.$/,
    );
    const run = (script: string) => workspace.exec(['sh', '-c', script], { timeoutMs: 10_000 });
    expect((await run('cat ok')).stdout).toContain('exports.add');
    expect((await run('cat src/up-ok')).stdout).toContain('exports.add');
    expect((await run('ls -a')).stdout.split('\n')).not.toContain('evil');
    expect((await run('ls src')).stdout.split('\n')).not.toContain('abs');
  });
});

import { existsSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { declaresPackages, describeHeadDependencies } from '../../src/detect/head-dependencies.js';
import { type HeadTree, headTree } from '../../src/detect/head-tree.js';
import { createTempRepo, type TempRepo } from './git-fixture.js';

/** A workspaces repo whose dependencies are installed (untracked) in the work tree, with head not checked out. */
async function repoWithInstalledDependencies(lock: { base: string; head: string }) {
  const repo = await createTempRepo();
  await repo.commit({
    '.gitignore': 'node_modules\n',
    'package.json': '{"workspaces":["packages/*"]}\n',
    'package-lock.json': lock.base,
    'packages/words/package.json': '{"name":"words"}\n',
  });
  const base = (await repo.git('rev-parse', 'HEAD')).trim();
  const head = await repo.commit({
    'packages/words/index.js': 'module.exports = 1;\n',
    'package-lock.json': lock.head,
  });
  await repo.git('checkout', '--quiet', base);
  await mkdir(join(repo.dir, 'node_modules/.bin'), { recursive: true });
  await mkdir(join(repo.dir, 'node_modules/mocha'), { recursive: true });
  await writeFile(join(repo.dir, 'node_modules/mocha/index.js'), 'installed');
  await symlink('../mocha/index.js', join(repo.dir, 'node_modules/.bin/mocha'));
  await symlink('../packages/words', join(repo.dir, 'node_modules/words'));
  await mkdir(join(repo.dir, 'packages/words/node_modules/left-pad'), { recursive: true });
  return { repo, head };
}

describe('headTree of a commit that is not checked out', () => {
  let repo: TempRepo | undefined;
  let tree: HeadTree | undefined;
  afterEach(async () => {
    await tree?.dispose();
    await repo?.dispose();
  });

  it("brings the work tree's node_modules (root and workspaces), keeping relative links inside the export", async () => {
    const made = await repoWithInstalledDependencies({ base: 'lock v1\n', head: 'lock v1\n' });
    repo = made.repo;
    tree = await headTree(repo.dir, made.head);
    expect(tree.exported).toBe(true);
    expect(tree.dependencies).toEqual({ copied: ['', 'packages/words'], differing: [] });
    expect(await readFile(join(tree.dir, 'node_modules/mocha/index.js'), 'utf8')).toBe('installed');
    expect(readlinkSync(join(tree.dir, 'node_modules/.bin/mocha'))).toBe('../mocha/index.js');
    // The workspace link resolves to head's own package, not the work tree's.
    expect(await readFile(join(tree.dir, 'node_modules/words/index.js'), 'utf8')).toBe(
      'module.exports = 1;\n',
    );
    expect(existsSync(join(tree.dir, 'packages/words/node_modules/left-pad'))).toBe(true);
    expect(
      describeHeadDependencies({
        headSha: made.head,
        dependencies: tree.dependencies ?? { copied: [], differing: [] },
        declaresPackages: true,
      }),
    ).toBe(undefined);
  });

  it('says which lockfile differs and what to do', async () => {
    const made = await repoWithInstalledDependencies({ base: 'lock v1\n', head: 'lock v2\n' });
    repo = made.repo;
    tree = await headTree(repo.dir, made.head);
    expect(tree.dependencies?.differing).toEqual(['package-lock.json']);
    const line = describeHeadDependencies({
      headSha: made.head,
      dependencies: tree.dependencies ?? { copied: [], differing: [] },
      declaresPackages: true,
    });
    expect(line).toBe(
      `Head ${made.head.slice(0, 7)} is not checked out and its \`package-lock.json\` differs from the work tree's: ` +
        'its tests ran with the dependencies installed in the work tree, which may not be the ones it asks for. ' +
        `To test it with its own, check it out and install them (\`git checkout ${made.head.slice(0, 7)} && npm ci\`), ` +
        "or pass `--setup-command 'npm ci'`.",
    );
  });

  it('leaves dependencies to a setup command when asked to', async () => {
    const made = await repoWithInstalledDependencies({ base: 'lock v1\n', head: 'lock v1\n' });
    repo = made.repo;
    tree = await headTree(repo.dir, made.head, { dependencies: false });
    expect(tree.dependencies).toBeUndefined();
    expect(existsSync(join(tree.dir, 'node_modules'))).toBe(false);
  });
});

describe('declaresPackages', () => {
  it('is true only for a package.json with dependencies or devDependencies to install', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'afterburner-declares-'));
    try {
      expect(await declaresPackages(dir)).toBe(false);
      await writeFile(
        join(dir, 'package.json'),
        JSON.stringify({ name: 'x', scripts: { test: 'node --test' } }),
      );
      expect(await declaresPackages(dir)).toBe(false);
      await writeFile(join(dir, 'package.json'), JSON.stringify({ devDependencies: { mocha: '10.0.0' } }));
      expect(await declaresPackages(dir)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

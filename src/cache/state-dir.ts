import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { AfterburnerError } from '../errors.js';
import { ensureDirectoryBelow, isWithin, resolveExisting } from './safe-fs.js';

const execFileAsync = promisify(execFile);

/**
 * A directory of afterburner's own state: `base` is where the user's setting resolved to (trusted, symlinks and
 * all), `segments` the directories we create below it, each checked to be a plain directory of ours on every use.
 */
export class StateLocation {
  private ready?: Promise<string>;

  constructor(
    readonly base: string,
    readonly segments: readonly string[],
  ) {}

  get path(): string {
    return join(this.base, ...this.segments);
  }

  /** Creates the directory if needed and checks the whole chain below `base`; the path once it is safe. */
  ensure(): Promise<string> {
    this.ready ??= ensureDirectoryBelow(this.base, this.segments);
    // A failed check is not remembered: the next use checks again (and fails again, if still unsafe).
    this.ready.catch(() => {
      this.ready = undefined;
    });
    return this.ready;
  }
}

export interface StatePaths {
  cache?: StateLocation;
  trajectories?: StateLocation;
}

/** The CLI's default: `$XDG_CACHE_HOME/afterburner`, else `~/.cache/afterburner`. */
export function userStateRoot(env: NodeJS.ProcessEnv): string {
  // The XDG spec says a relative value is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'afterburner');
}

/**
 * The Action's default: the runner's tool cache (kept between jobs on self-hosted runners; on hosted ones,
 * save it with actions/cache), else the job's temporary directory, else the user's cache directory.
 */
export function actionStateRoot(env: NodeJS.ProcessEnv): string {
  const base = env.RUNNER_TOOL_CACHE || env.RUNNER_TEMP;
  return base && isAbsolute(base) ? join(base, 'afterburner') : userStateRoot(env);
}

/** A remote URL without credentials or a trailing `.git`, so every clone of one repository names it alike. */
function normalizeRemote(url: string): string {
  return url
    .trim()
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1')
    .replace(/\.git\/?$/, '')
    .replace(/\/+$/, '');
}

async function originUrl(repo: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync('git', ['config', '--get', 'remote.origin.url'], { cwd: repo });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which repository the state belongs to: `owner/name` on GitHub (GITHUB_REPOSITORY), else the origin remote, else
 * the work tree's absolute path; as a directory name, readable and collision-free (`name-<hash>`).
 */
export async function repositoryKey(repo: string, repositoryId?: string): Promise<string> {
  let identity: string;
  let name: string;
  if (repositoryId) {
    // GitHub names are case-insensitive.
    const id = repositoryId.toLowerCase();
    identity = `github:${id}`;
    name = id.split('/').at(-1) ?? id;
  } else {
    const remote = await originUrl(repo);
    const path = await realpath(repo).catch(() => resolve(repo));
    identity = remote ? `remote:${normalizeRemote(remote)}` : `path:${path}`;
    name = basename(remote ? normalizeRemote(remote) : path);
  }
  const slug =
    name
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 40) || 'repo';
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 16);
  return `${slug}-${hash}`;
}

async function outsideRepository(path: string, repo: string, what: string): Promise<StateLocation> {
  const lexical = resolve(path);
  const repoLexical = resolve(repo);
  const repoReal = await realpath(repo).catch(() => repoLexical);
  const { base, rest } = await resolveExisting(lexical);
  const real = join(base, ...rest);
  for (const [candidate, tree] of [
    [lexical, repoLexical],
    [lexical, repoReal],
    [real, repoReal],
  ] as const) {
    if (isWithin(candidate, tree)) {
      throw new AfterburnerError(
        'usage',
        `${what} ${path} is inside the repository under review (${repo}), whose content the pull request ` +
          'controls; choose a directory outside it',
      );
    }
  }
  return new StateLocation(base, rest);
}

export interface StatePathOptions {
  /** The work tree under review: no state may live inside it. */
  repo: string;
  /** Root of the per-repository state directories; default `userStateRoot(process.env)`. */
  stateDir?: string;
  /** `owner/name`, when known (the Action); else the origin remote or the path identifies the repository. */
  repositoryId?: string;
  /** An explicit cache directory, or false for no cache; default `<state root>/<repository>/cache`. */
  cacheDir?: string | false;
  /** An explicit trajectory directory, or false for none; default `<state root>/<repository>/trajectories`. */
  trajectoryDir?: string | false;
}

/**
 * Where the result cache and trajectory logs of one repository live: outside its work tree, below a directory the
 * user chose or the per-user cache directory. Nothing is created yet; a location outside the rules is a usage error.
 */
export async function resolveStatePaths(options: StatePathOptions): Promise<StatePaths> {
  const { repo } = options;
  const paths: StatePaths = {};
  let root: StateLocation | undefined;
  const below = async (leaf: string): Promise<StateLocation> => {
    root ??= await outsideRepository(
      options.stateDir ?? userStateRoot(process.env),
      repo,
      'the state directory',
    );
    const key = await repositoryKey(repo, options.repositoryId);
    return new StateLocation(root.base, [...root.segments, key, leaf]);
  };
  if (options.cacheDir !== false) {
    paths.cache = options.cacheDir
      ? await outsideRepository(options.cacheDir, repo, 'the cache directory')
      : await below('cache');
  }
  if (options.trajectoryDir !== false) {
    paths.trajectories = options.trajectoryDir
      ? await outsideRepository(options.trajectoryDir, repo, 'the trajectory directory')
      : await below('trajectories');
  }
  return paths;
}

import { type RunConfig, resolveRunConfig } from '../config/run-config.js';
import { settings } from '../config/settings.js';
import { AfterburnerError } from '../errors.js';
import { parseShard, type Shard } from '../sweep/shard.js';

/** Every input of action.yml, by its name there: the settings table's inputs. */
export const inputNames = settings.filter((s) => s.sources.input).map((s) => s.name);

export type RawInputs = Partial<Record<string, string>>;

export interface ActionInputs {
  /** The inputs that were set, by name: resolved again once `.afterburner.yml` is known (withFiles). */
  given: ReadonlyMap<string, string>;
  /** Every setting from the inputs and the environment alone. */
  config: RunConfig;
  apiKey?: string;
  githubToken?: string;
  /** The login github-token posts as, when GitHub cannot be asked (see GitHubClient.self). */
  botLogin?: string;
  mode: RunConfig['publish']['mode'];
  commentStyle: RunConfig['publish']['commentStyle'];
  commentWhenEmpty: boolean;
  shard: Shard;
  /** Directory of shard JSON reports (mode merge), or the downloaded report, file or directory (mode post). */
  reports?: string;
}

/**
 * Reads and validates every input in one place. Empty strings mean "not set" (that is how the runner passes
 * omitted inputs). A bad value fails with the input's name and what is allowed.
 */
export function parseInputs(raw: RawInputs, env: NodeJS.ProcessEnv = {}): ActionInputs {
  const given = new Map(Object.entries(raw).filter((entry): entry is [string, string] => !!entry[1]?.trim()));
  const { config } = resolveRunConfig({ surface: 'action', explicit: given, env });
  let shard: Shard;
  try {
    shard = parseShard(config.publish.shard);
  } catch (error) {
    throw new AfterburnerError('usage', `input ${(error as Error).message}`);
  }
  return {
    given,
    config,
    apiKey: config.optimize.apiKey,
    githubToken: config.publish.githubToken,
    botLogin: config.publish.botLogin,
    mode: config.publish.mode,
    commentStyle: config.publish.commentStyle,
    commentWhenEmpty: config.publish.commentWhenEmpty,
    shard,
    reports: config.publish.reports,
  };
}

import { readFile } from 'node:fs/promises';
import { AfterburnerError } from '../errors.js';

export interface ActionEvent {
  base: string;
  head: string;
}

/** Base and head of the pull request that triggered the workflow. */
export async function pullRequestRange(
  eventName: string | undefined,
  eventPath: string | undefined,
): Promise<ActionEvent> {
  if (eventName !== 'pull_request' && eventName !== 'pull_request_target') {
    throw new AfterburnerError(
      'usage',
      `event '${eventName ?? 'unknown'}' is not supported yet: use pull_request`,
    );
  }
  if (!eventPath) throw new AfterburnerError('usage', 'GITHUB_EVENT_PATH is not set');
  const payload = JSON.parse(await readFile(eventPath, 'utf8')) as {
    pull_request?: { base?: { sha?: string }; head?: { sha?: string } };
  };
  const base = payload.pull_request?.base?.sha;
  const head = payload.pull_request?.head?.sha;
  if (!base || !head)
    throw new AfterburnerError('usage', 'the event payload has no pull_request base and head');
  return { base, head };
}

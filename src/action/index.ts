import * as core from '@actions/core';
import { rateLimitReason } from '../github/github-client.js';
import { redact } from '../redact.js';
import { runAction } from './run-action.js';

try {
  await runAction();
} catch (error) {
  // A rate limit on a read (the pull request, its files) says when to retry instead of the raw HTTP error.
  const message = rateLimitReason(error) ?? (error instanceof Error ? error.message : String(error));
  core.setFailed(redact(message));
}

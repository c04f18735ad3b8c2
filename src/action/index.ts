import * as core from '@actions/core';
import { redact } from '../redact.js';
import { runAction } from './run-action.js';

try {
  await runAction();
} catch (error) {
  core.setFailed(redact(error instanceof Error ? error.message : String(error)));
}

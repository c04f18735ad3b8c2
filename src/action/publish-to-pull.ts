import * as core from '@actions/core';
import { type GitHubClient, httpStatus, rateLimitReason } from '../github/github-client.js';
import { publishReview } from '../github/publish-review.js';
import type { RunReport } from '../report/index.js';
import { inert } from '../report/inert.js';
import type { ActionInputs } from './inputs.js';

/**
 * Posts a report to its pull request as one review plus the sticky summary. A token that may not write (403/401)
 * ends with the reason instead of failing the job: the summary, annotations and JSON report still hold it all.
 */
export async function publishToPull(input: {
  client: GitHubClient;
  inputs: Pick<ActionInputs, 'commentStyle' | 'commentWhenEmpty'>;
  pullNumber: number;
  report: RunReport;
  /** Where the figures were measured, when not in this run; shown in every comment. */
  provenance?: string;
}): Promise<{ posted: true } | { posted: false; reason: string }> {
  const { report } = input;
  try {
    const result = await publishReview({
      client: input.client,
      pullNumber: input.pullNumber,
      headSha: report.headSha,
      report,
      footer: {
        version: report.tool.version,
        provider: report.provider.name,
        model: report.provider.model,
        inputTokens: report.usage.inputTokens,
        outputTokens: report.usage.outputTokens,
        costUsd: report.usage.costUsd,
        ...(input.provenance ? { provenance: input.provenance } : {}),
      },
      inline: input.inputs.commentStyle === 'review',
      commentWhenEmpty: input.inputs.commentWhenEmpty,
      log: (line) => core.info(`afterburner: ${line}`),
    });
    core.info(`afterburner: posted ${JSON.stringify(result)}`);
    return { posted: true };
  } catch (error) {
    const limited = rateLimitReason(error);
    if (limited) return { posted: false, reason: limited };
    const status = httpStatus(error);
    if (status === 403 || status === 401) {
      return {
        posted: false,
        reason:
          `GitHub refused to post (HTTP ${status}: ${inert((error as Error).message.split('\n')[0] ?? '', 'text', 200)}); the token is ` +
          'probably read-only: grant `pull-requests: write` or use the two-workflow pattern for forks',
      };
    }
    throw error;
  }
}

import {
  type CommentFooter,
  type Placement,
  renderImportComment,
  renderSuggestionComment,
} from '../report/review-comment.js';
import { renderSummaryComment } from '../report/summary-comment.js';
import type { RunReport, SuggestionReport } from '../report/types.js';
import { inOneHunk, type NewSideHunk, newSideHunks } from './diff-hunks.js';
import {
  contentHash,
  type Fingerprint,
  fingerprintMarker,
  outdatedMarker,
  parseFingerprint,
  summaryMarker,
} from './fingerprint.js';
import {
  type GitHubClient,
  type InlineComment,
  type IssueComment,
  isOutsideDiffError,
  type ReviewComment,
} from './github-client.js';

/** Bots keep reviews small (reviewdog: 30 comments per request); GitHub's secondary limits punish bursts. */
export const maxInlineCommentsPerReview = 30;

/** One comment we want on the pull request. */
export interface PlannedComment {
  fingerprint: Fingerprint;
  path: string;
  startLine: number;
  endLine: number;
  placement: Placement;
  body: string;
  /** The suggestion it belongs to (`path:name`). */
  suggestionKey: string;
}

export interface PublishReviewOptions {
  client: GitHubClient;
  pullNumber: number;
  headSha: string;
  report: RunReport;
  footer: CommentFooter;
  /** False: only the sticky summary comment, no review comments (comment-style summary). Default true. */
  inline?: boolean;
  /** Post the summary comment even when nothing was found (default: stay silent). */
  commentWhenEmpty?: boolean;
  log?: (line: string) => void;
}

export interface PublishReviewResult {
  /** New inline comments, in how many reviews. */
  inline: number;
  reviews: number;
  fileLevel: number;
  /** Already on the pull request with the same fingerprint: left alone. */
  unchanged: number;
  /** Our older comments that a push made outdated: minimized and marked. */
  outdated: number;
  /** Inline comments GitHub refused as outside the diff and that went to file level instead. */
  movedToFile: number;
  summary: 'created' | 'updated' | 'unchanged' | 'not posted';
}

function suggestionKey(s: SuggestionReport): string {
  return `${s.path}:${s.name}`;
}

/** Plans the comments for every suggestion: inline when the lines are in one hunk, else at file level. */
export function planComments(input: {
  report: RunReport;
  hunks: Map<string, NewSideHunk[]>;
  footer: CommentFooter;
}): PlannedComment[] {
  const planned: PlannedComment[] = [];
  for (const s of input.report.suggestions) {
    const key = suggestionKey(s);
    const hunks = input.hunks.get(s.path) ?? [];
    const placement: Placement = inOneHunk(hunks, s.startLine, s.endLine) ? 'inline' : 'file';
    const edit = s.importEdit;
    const importPlacement: Placement | undefined = edit
      ? inOneHunk(hunks, edit.startLine, edit.endLine)
        ? 'inline'
        : 'file'
      : undefined;
    const fingerprint = {
      target: key,
      hash: contentHash(s.path, s.original, s.replacement, edit?.replacement ?? ''),
    };
    const body = renderSuggestionComment({
      suggestion: s,
      placement,
      importPlacement,
      footer: input.footer,
      marker: fingerprintMarker(fingerprint),
    });
    planned.push({
      fingerprint,
      path: s.path,
      startLine: s.startLine,
      endLine: s.endLine,
      placement,
      body,
      suggestionKey: key,
    });
    if (edit && importPlacement) {
      const importFingerprint = { target: `${key}#imports`, hash: fingerprint.hash };
      planned.push({
        fingerprint: importFingerprint,
        path: s.path,
        startLine: edit.startLine,
        endLine: edit.endLine,
        placement: importPlacement,
        body: renderImportComment({
          suggestion: s,
          placement: importPlacement,
          marker: fingerprintMarker(importFingerprint),
        }),
        suggestionKey: key,
      });
    }
  }
  return planned;
}

const sameFingerprint = (a: Fingerprint, b: Fingerprint) => a.target === b.target && a.hash === b.hash;

/** A file-level twin of an inline comment GitHub refused. */
function atFileLevel(comment: PlannedComment, report: RunReport, footer: CommentFooter): PlannedComment {
  const s = report.suggestions.find((x) => suggestionKey(x) === comment.suggestionKey) as SuggestionReport;
  const marker = fingerprintMarker(comment.fingerprint);
  const body = comment.fingerprint.target.endsWith('#imports')
    ? renderImportComment({ suggestion: s, placement: 'file', marker })
    : renderSuggestionComment({ suggestion: s, placement: 'file', footer, marker });
  return { ...comment, placement: 'file', body };
}

/**
 * Posts one review with the suggestions not already on the pull request, retires our comments that a push
 * made outdated, and creates or updates the one sticky summary comment. Re-running with the same results
 * posts nothing new.
 */
export async function publishReview(options: PublishReviewOptions): Promise<PublishReviewResult> {
  const { client, pullNumber, headSha, report, footer } = options;
  const log = options.log ?? (() => {});
  const result: PublishReviewResult = {
    inline: 0,
    reviews: 0,
    fileLevel: 0,
    unchanged: 0,
    outdated: 0,
    movedToFile: 0,
    summary: 'not posted',
  };
  const files = await client.pullFiles(pullNumber);
  const hunks = new Map(files.map((f) => [f.filename, newSideHunks(f.patch)]));
  const planned = options.inline === false ? [] : planComments({ report, hunks, footer });

  // Anyone can paste our markers into a comment; only what the token itself wrote is ours to skip or retire.
  const ours: { comment: ReviewComment; fingerprint: Fingerprint }[] = [];
  for (const comment of await client.reviewComments(pullNumber)) {
    const fingerprint = parseFingerprint(comment.body);
    if (fingerprint && (await client.isOwn(comment.author))) ours.push({ comment, fingerprint });
  }
  const live = (c: ReviewComment) => !c.body.includes(outdatedMarker);
  // GitHub drops the line of an inline comment whose lines a push changed; such a comment no longer applies.
  const anchored = (c: ReviewComment) => c.fileLevel || c.line !== null;
  const toPost = planned.filter((p) => {
    const existing = ours.find(
      (o) => sameFingerprint(o.fingerprint, p.fingerprint) && live(o.comment) && anchored(o.comment),
    );
    if (existing) result.unchanged++;
    return !existing;
  });

  const inline = toPost.filter((p) => p.placement === 'inline');
  const fileLevel = toPost.filter((p) => p.placement === 'file');
  for (let i = 0; i < inline.length; i += maxInlineCommentsPerReview) {
    const batch = inline.slice(i, i + maxInlineCommentsPerReview);
    const refused = await postInline({ client, pullNumber, headSha, report, batch, result });
    for (const comment of refused) {
      log(
        `GitHub refused the inline comment on ${comment.path}:${comment.startLine}; posting it at file level`,
      );
      fileLevel.push(atFileLevel(comment, report, footer));
      result.movedToFile++;
    }
  }
  for (const comment of fileLevel) {
    await client.createFileComment({ pullNumber, commitId: headSha, path: comment.path, body: comment.body });
    result.fileLevel++;
  }

  for (const { comment, fingerprint } of ours) {
    if (!live(comment)) continue;
    if (anchored(comment)) {
      if (planned.some((p) => sameFingerprint(p.fingerprint, fingerprint))) continue;
      // Same head and no longer suggested: measurement noise, not a push; leave the comment be.
      if (comment.originalCommitId === headSha) continue;
    }
    await client.minimizeOutdated(comment.nodeId);
    await client.updateReviewComment(
      comment.id,
      `> **Outdated:** the code changed after this suggestion (now at ${headSha.slice(0, 7)}).\n\n${comment.body}\n${outdatedMarker}`,
    );
    result.outdated++;
  }

  result.summary = await upsertSummary({
    client,
    pullNumber,
    body: renderSummaryComment({
      report,
      marker: summaryMarker,
      ...(footer.provenance ? { postingNote: footer.provenance } : {}),
    }),
    create: report.suggestions.length > 0 || options.commentWhenEmpty === true,
  });
  return result;
}

async function postInline(input: {
  client: GitHubClient;
  pullNumber: number;
  headSha: string;
  report: RunReport;
  batch: PlannedComment[];
  result: PublishReviewResult;
}): Promise<PlannedComment[]> {
  const { client, pullNumber, headSha, batch, result } = input;
  const comments: InlineComment[] = batch.map((p) => ({
    path: p.path,
    startLine: p.startLine,
    endLine: p.endLine,
    body: p.body,
  }));
  const count = input.report.suggestions.length;
  try {
    await client.createReview({
      pullNumber,
      commitId: headSha,
      body: `afterburner found ${count} verified speedup${count === 1 ? '' : 's'}; the summary comment has the details.\n\n<!-- afterburner:review -->`,
      comments,
    });
    result.reviews++;
    result.inline += batch.length;
    return [];
  } catch (error) {
    if (!isOutsideDiffError(error)) throw error;
    // A refused review creates nothing, so halving the batch finds the refused comments without duplicates.
    if (batch.length === 1) return batch;
    const middle = Math.ceil(batch.length / 2);
    const first = await postInline({ ...input, batch: batch.slice(0, middle) });
    const second = await postInline({ ...input, batch: batch.slice(middle) });
    return [...first, ...second];
  }
}

async function upsertSummary(input: {
  client: GitHubClient;
  pullNumber: number;
  body: string;
  create: boolean;
}): Promise<PublishReviewResult['summary']> {
  let existing: IssueComment | undefined;
  for (const comment of await input.client.issueComments(input.pullNumber)) {
    if (comment.body.includes(summaryMarker) && (await input.client.isOwn(comment.author))) {
      existing = comment;
      break;
    }
  }
  if (existing) {
    if (existing.body === input.body) return 'unchanged';
    await input.client.updateIssueComment(existing.id, input.body);
    return 'updated';
  }
  if (!input.create) return 'not posted';
  await input.client.createIssueComment(input.pullNumber, input.body);
  return 'created';
}

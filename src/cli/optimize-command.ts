import { posix, resolve } from 'node:path';
import { assertWorkTree, readFileAt, resolveCommit } from '../detect/git.js';
import { languageForPath } from '../detect/languages/index.js';
import type { DetectResult, Target } from '../detect/types.js';
import { AfterburnerError } from '../errors.js';
import type { RunReport } from '../report/index.js';
import { type CommandIO, type ReviewRequest, reviewCommand } from './review-command.js';

export interface OptimizeRequest extends Omit<ReviewRequest, 'base' | 'head'> {
  ref?: string;
}

/** Splits `path/to/file.js:name` at its last colon; the name may be qualified (`Cache.get`). */
export function parseFunctionSpec(spec: string): { path: string; name: string } {
  const colon = spec.lastIndexOf(':');
  const path = colon > 0 ? spec.slice(0, colon) : '';
  const name = colon > 0 ? spec.slice(colon + 1) : '';
  if (!path || !name) throw new AfterburnerError('usage', `FILE:FUNCTION expected, got "${spec}"`);
  return { path: posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\//, ''), name };
}

/** The one function `spec` names in the file as committed at `commit`, shaped like a detected target. */
export async function findTarget(repo: string, commit: string, spec: string): Promise<Target> {
  const { path, name } = parseFunctionSpec(spec);
  const language = languageForPath(path);
  if (!language) throw new AfterburnerError('usage', `${path}: unsupported language`);
  const text = (await readFileAt(repo, commit, path).catch(() => undefined))?.toString('utf8');
  if (text === undefined) throw new AfterburnerError('usage', `${path}: not found in ${commit.slice(0, 12)}`);
  const parsed = await language.parse(text);
  if (!parsed.ok)
    throw new AfterburnerError('usage', `${path}: syntax error at line ${parsed.syntaxErrorLine}`);
  const matches = parsed.functions.filter((fn) => fn.name === name);
  const fn = matches[0];
  if (!fn) {
    const known = parsed.functions
      .map((f) => f.name)
      .slice(0, 20)
      .join(', ');
    throw new AfterburnerError('usage', `${path}: no function named ${name} (found: ${known || 'none'})`);
  }
  if (matches.length > 1)
    throw new AfterburnerError('usage', `${path}: ${matches.length} functions are named ${name}`);
  if (fn.unsafeReason) throw new AfterburnerError('usage', `${path}:${name}: ${fn.unsafeReason}`);
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  return {
    id: `${path}:${fn.name}`,
    path,
    name: fn.name,
    startLine: fn.startLine,
    endLine: fn.endLine,
    language: language.language,
    kind: fn.kind,
    source: lines.slice(fn.startLine - 1, fn.endLine).join('\n'),
    changedLines: [],
    ...(fn.exportName !== undefined ? { exportName: fn.exportName } : {}),
    async: fn.async,
    generator: fn.generator,
    ...(fn.member ? { member: fn.member } : {}),
    context: parsed.contextFor(fn),
  };
}

/** `afterburner optimize FILE:FUNCTION`: the review pipeline on one named function, changed or not. */
export async function optimizeCommand(
  spec: string,
  request: OptimizeRequest,
  io: CommandIO,
): Promise<RunReport> {
  const repo = resolve(io.cwd, request.repo ?? '.');
  await assertWorkTree(repo);
  const ref = request.ref ?? 'HEAD';
  const commit = await resolveCommit(repo, ref);
  const target = await findTarget(repo, commit, spec);
  const detection: DetectResult = { mergeBase: commit, headSha: commit, targets: [target], skipped: [] };
  const { ref: _ref, ...rest } = request;
  return reviewCommand({ ...rest, repo, base: ref, head: ref }, io, async () => detection);
}

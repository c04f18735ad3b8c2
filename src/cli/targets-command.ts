import { resolve } from 'node:path';
import { loadFileConfig } from '../config/file-config.js';
import { assertWorkTree, workTreeRoot } from '../detect/git.js';
import { type DetectResult, detectChangedFunctions, type Target } from '../detect/index.js';
import { AfterburnerError } from '../errors.js';
import type { CommandIO } from './review-command.js';

/** Flags as commander hands them over. */
export interface RawTargetsFlags {
  repo?: string;
  base?: string;
  head?: string;
  json?: boolean;
}

/**
 * `afterburner targets`: the functions a review would optimize and everything it would skip, with reasons,
 * honouring `.afterburner.yml` at the repository root. Text by default, the full result with `--json`.
 */
export async function targetsCommand(raw: RawTargetsFlags, io: CommandIO): Promise<DetectResult> {
  if (!raw.base) throw new AfterburnerError('usage', '--base: is required');
  const repo = resolve(io.cwd, raw.repo ?? '.');
  await assertWorkTree(repo);
  const config = await loadFileConfig(await workTreeRoot(repo));
  const result = await detectChangedFunctions({
    ...config.detect,
    repo,
    base: raw.base,
    ...(raw.head ? { head: raw.head } : {}),
  });
  io.stdout(raw.json ? `${JSON.stringify(result, null, 2)}\n` : renderTargetsText(result));
  return result;
}

function isExported(target: Target): boolean {
  return target.exportName !== undefined || target.member?.ownerExportName !== undefined;
}

/** One line per target (`path:start-end name kind language exported|local`), then one per skip. */
export function renderTargetsText(result: DetectResult): string {
  const out: string[] = [`merge base ${result.mergeBase}, head ${result.headSha}`];
  out.push(`targets (${result.targets.length}):`);
  for (const t of result.targets) {
    const exported = isExported(t) ? 'exported' : 'local';
    out.push(`  ${t.path}:${t.startLine}-${t.endLine} ${t.name} ${t.kind} ${t.language} ${exported}`);
  }
  out.push(`skipped (${result.skipped.length}):`);
  for (const s of result.skipped) {
    const where = s.startLine !== undefined ? `:${s.startLine}-${s.endLine}` : '';
    out.push(`  ${s.path}${where}${s.name ? ` ${s.name}` : ''}: ${s.reason}`);
  }
  return `${out.join('\n')}\n`;
}

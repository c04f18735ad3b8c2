import { parse as parseYaml } from 'yaml';
import type { TestFailure } from '../../../../harness/types.js';
import type { RunnerCounts } from './types.js';

export interface TapFailure {
  name: string;
  /** The YAML diagnostic block under the failing line, indentation kept. */
  yaml: string;
}

/**
 * TAP 13 as node:test and AVA print it: `ok N - name` / `not ok N - name`, a failing line followed by an indented
 * YAML block closed by `...`. Skipped and todo tests count as neither passed nor failed.
 */
export function readTap(
  text: string,
  failureOf: (failure: TapFailure) => TestFailure | undefined,
): RunnerCounts {
  const lines = text.split('\n');
  const failures: TestFailure[] = [];
  let passedCount = 0;
  for (const [i, line] of lines.entries()) {
    const match = /^(\s*)(not ok|ok) \d+(?: - (.*?))?(\s+#\s*(SKIP|TODO)\b.*)?$/i.exec(line);
    if (!match) continue;
    if (match[4]) continue;
    if (match[2] === 'ok') {
      passedCount++;
      continue;
    }
    const block = lines.slice(i + 1, i + 60);
    const end = block.findIndex((l) => /^\s*\.\.\.\s*$/.test(l));
    const yaml = block.slice(0, end < 0 ? undefined : end).join('\n');
    const failure = failureOf({ name: (match[3] ?? '').trim(), yaml });
    if (failure) failures.push(failure);
  }
  return { passedCount, failedCount: failures.length, failures };
}

function dedent(text: string): string {
  const indent = Math.min(
    ...text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => /^\s*/.exec(l)?.[0].length ?? 0),
  );
  return text
    .split('\n')
    .map((l) => l.slice(Number.isFinite(indent) ? indent : 0))
    .join('\n');
}

/** The YAML diagnostic block under a failing TAP line, as data; undefined when it is not valid YAML. */
export function tapDiagnostics(yaml: string): Record<string, unknown> | undefined {
  try {
    const data = parseYaml(dedent(yaml.replace(/^\s*---\s*$/m, ''))) as unknown;
    return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `key: value` lines for the diagnostic keys present, objects shown as JSON. */
export function diagnosticLines(data: Record<string, unknown>, keys: string[]): string[] {
  const shown = (value: unknown) =>
    value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
  return keys.filter((key) => data[key] !== undefined).map((key) => `${key}: ${shown(data[key])}`);
}

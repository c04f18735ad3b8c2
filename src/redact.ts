import { inert } from './report/inert.js';

/**
 * Secrets never leave in what we post or write. Every value registered here (the GitHub token, the model's API key,
 * secret-looking variables of the caller's environment) is replaced by `***` at each boundary: GitHub requests,
 * report files, the job summary, trajectories and log lines. Pull request code run by the process sandbox can read
 * this process's environment from /proc, so scrubbing the sandbox's environment alone cannot keep a secret out of a
 * failure message; redacting at the boundary does.
 */

/** Variable names that hold credentials (INPUT_GITHUB-TOKEN, ANTHROPIC_API_KEY, NPM_TOKEN, DB_PASSWORD…). */
const secretName = /TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL/i;
/** Shorter values are too likely to occur in ordinary text ("true", a port, a word) to be blanked everywhere. */
export const minSecretLength = 8;
export const redactedText = '***';

const secrets = new Set<string>();
let pattern: RegExp | undefined;

/** The values of the environment's secret-looking variables (by name, at least minSecretLength long). */
export function secretsInEnv(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env).flatMap(([name, value]) =>
    value && secretName.test(name) && value.trim().length >= minSecretLength ? [value.trim()] : [],
  );
}

/** Registers values to redact from now on; short or empty values are ignored. */
export function addSecrets(...values: (string | undefined)[]): void {
  for (const value of values) {
    const secret = value?.trim();
    if (!secret || secret.length < minSecretLength || secrets.has(secret)) continue;
    // Also the forms it takes once rendered: inert text escapes `_`, `*`, `&`… and JSON escapes quotes and
    // backslashes, so the secret would no longer match itself in a posted comment or a JSON report.
    // (A secret that starts with `-`, `+` or `#` is escaped differently at the start of a text than inside it.)
    for (const form of [secret, inert(secret), inert(`x${secret}`).slice(1)]) {
      secrets.add(form);
      secrets.add(JSON.stringify(form).slice(1, -1));
    }
    pattern = undefined;
  }
}

/** Registers the token, keys and every secret-looking variable of `env`. */
export function addSecretsFromEnv(env: NodeJS.ProcessEnv): void {
  addSecrets(...secretsInEnv(env));
}

/** `text` with every registered secret replaced by `***`. */
export function redact(text: string): string {
  if (secrets.size === 0) return text;
  if (!pattern) {
    // Longest first, so that a secret containing another is replaced whole.
    const alternatives = [...secrets]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(alternatives.join('|'), 'g');
  }
  return text.replace(pattern, redactedText);
}

/** A copy of a JSON-like value with every string redacted (request bodies, report data). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

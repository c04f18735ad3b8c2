const secretName = /TOKEN|KEY|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH/i;
// npm tokens (`NPM_CONFIG_//host/:_authToken`, `NPM_CONFIG__AUTH`) are caught by the name pattern.
const secretPrefixes = ['GITHUB_', 'ACTIONS_', 'AFTERBURNER_', 'OPENAI_', 'ANTHROPIC_'];

/** Whether a host variable must not reach candidate code (credentials, CI tokens, provider settings). */
export function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  return secretName.test(name) || secretPrefixes.some((prefix) => upper.startsWith(prefix));
}

/** A copy of `env` without credentials, plus `extra` (which wins). */
export function scrubEnv(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isSecretEnvName(name)) result[name] = value;
  }
  return { ...result, ...extra };
}

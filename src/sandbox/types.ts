/** How a command in the sandbox ended. */
export type ExecOutcome = 'ok' | 'failed' | 'timeout' | 'oom' | 'crashed' | 'output-limit';

export interface ExecResult {
  outcome: ExecOutcome;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** True when stdout or stderr was cut at the output limit. */
  truncated: boolean;
}

export interface ExecOptions {
  timeoutMs: number;
  /** Extra environment variables (the sandbox starts from a scrubbed environment). */
  env?: Record<string, string>;
  /** Working directory relative to the workspace root (default: the root). */
  cwd?: string;
}

/** A private, writable copy of a repository inside a sandbox; commands run with the copy as working directory. */
export interface Workspace {
  /** Absolute path of the copy as seen by commands running in the sandbox. */
  readonly root: string;
  /** Creates or replaces a file (path relative to the root, POSIX separators). */
  writeFile(path: string, content: string): Promise<void>;
  exec(command: string[], options: ExecOptions): Promise<ExecResult>;
  dispose(): Promise<void>;
}

export interface OpenWorkspaceOptions {
  /** Host directory to copy; `.git` is never copied. */
  sourceDir: string;
  /** Run id and target, recorded on the container (Docker) so that leftovers can be found. */
  labels?: Record<string, string>;
}

export interface Sandbox {
  readonly kind: 'docker' | 'process';
  /** False for the process sandbox: candidate code runs with the user's privileges. */
  readonly isolated: boolean;
  /** One line for reports and progress, e.g. `docker (image node:22-bookworm-slim, network off)`. */
  readonly description: string;
  open(options: OpenWorkspaceOptions): Promise<Workspace>;
  /** Disposes every workspace still open. */
  close(): Promise<void>;
}

export type SandboxMode = 'auto' | 'docker' | 'process';

export interface SandboxLimits {
  memoryBytes: number;
  cpus: number;
  pids: number;
  outputBytes: number;
}

export const defaultLimits: SandboxLimits = {
  memoryBytes: 1024 * 1024 * 1024,
  cpus: 1,
  pids: 256,
  outputBytes: 1024 * 1024,
};

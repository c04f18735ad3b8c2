import type { Language } from '../detect/types.js';
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
  /** What the command used; absent when the sandbox cannot see it (e.g. a remote Docker daemon). */
  resources?: ResourceUsage;
}

/** Resources used by one exec: everything it started, measured from outside the command. */
export interface ResourceUsage {
  wallMs: number;
  /** User + system CPU time of the command and its children. */
  cpuMs: number;
  /** Highest memory use during the command (cgroup charge, or summed RSS of the process group). */
  peakMemoryBytes: number;
  /** Memory in use when the command started (the container's idle charge; 0 for the process sandbox). */
  baselineMemoryBytes: number;
  /** ∫ memory dt over the command by the trapezoid rule with the real Δt between samples, in MiB·ms. */
  memoryIntegralMibMs: number;
  /** How many memory samples the integral rests on (one every ~10 ms, plus the first and the last). */
  samples: number;
  /** Where the figures come from; `peakExact` is true when the kernel tracked the peak, not our sampling. */
  source: 'cgroup-v1' | 'cgroup-v2' | 'proc';
  peakExact: boolean;
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
  /** Docker image for this workspace; default: the sandbox's image for `language`, else its default image. */
  image?: string;
  language?: SandboxLanguage;
  /** Installs dependencies once per image and lockfiles, with network (Docker), before evaluation. */
  setup?: SetupStep;
  /** Receives one sentence about what the copy left out (symlinks pointing outside the source directory). */
  onNotice?: (line: string) => void;
}

/** A workspace's language picks its image among the sandbox's images (config/run-config.ts imageFor). */
export type SandboxLanguage = Language;

export interface SetupStep {
  /** e.g. `['npm', 'ci']` or `['sh', '-c', 'python -m venv .venv && .venv/bin/pip install -e .']`. */
  command: string[];
  /**
   * Files (relative to the source directory) whose content decides whether an earlier setup can be reused,
   * e.g. `package-lock.json`; missing files count as empty. Installs must land under the workspace root.
   */
  lockfiles: string[];
  timeoutMs?: number;
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

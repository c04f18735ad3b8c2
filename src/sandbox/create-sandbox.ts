import { AfterburnerError } from '../errors.js';
import type { PullProgress } from './docker-images.js';
import { DockerSandbox, type RequiredImage } from './docker-sandbox.js';
import { ProcessSandbox } from './process-sandbox.js';
import type { Sandbox, SandboxLanguage, SandboxLimits, SandboxMode } from './types.js';

export interface CreateSandboxOptions {
  mode: SandboxMode;
  /** Docker image for the docker sandbox (ignored by the process sandbox). */
  image: string;
  /** Image per language (config/run-config.ts imageFor); workspaces opened with a `language` use it. */
  images?: Partial<Record<SandboxLanguage, string>>;
  /** The images the run needs, checked up front (default: `image`); see DockerSandboxOptions. */
  required?: RequiredImage[];
  /** Receives `docker pull` progress when an image is absent. */
  onPullProgress?: (progress: PullProgress) => void;
  limits?: Partial<SandboxLimits>;
  runId: string;
  /** Receives one plain sentence when 'auto' falls back to the process sandbox. */
  onNotice?: (line: string) => void;
  /** When set, 'auto' does not fall back to processes: it fails like 'docker', with this sentence added. */
  refuseProcessFallback?: string;
  /** Where the process sandbox puts its workspace copies (default: the system's temp directory). */
  tempParent?: string;
  /** Who the run reviews (e.g. `owner/name`); setup snapshots are never shared between repositories. */
  repository?: string;
  /** See DockerSandboxOptions.cpuset; `false` lets containers use every core (a pool of parallel workers). */
  cpuset?: string | false;
  /** See DockerSandboxOptions.supervisor. */
  supervisor?: boolean;
}

/**
 * 'docker' fails with `sandbox-unavailable` when Docker cannot be used; 'auto' falls back to processes unless
 * told not to.
 */
export async function createSandbox(options: CreateSandboxOptions): Promise<Sandbox> {
  const { mode, image, images, required, limits, runId, onPullProgress, tempParent, repository } = options;
  if (mode === 'process') return new ProcessSandbox({ limits, tempParent });
  try {
    // Connecting also removes containers that crashed runs left behind.
    return await DockerSandbox.connect({
      image,
      images,
      required,
      limits,
      runId,
      onPullProgress,
      repository,
      ...(options.cpuset === undefined ? {} : { cpuset: options.cpuset }),
      ...(options.supervisor ? { supervisor: true } : {}),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (mode === 'docker') {
      throw new AfterburnerError('sandbox-unavailable', `Docker sandbox unavailable: ${reason}`);
    }
    if (options.refuseProcessFallback) {
      throw new AfterburnerError(
        'sandbox-unavailable',
        `Docker sandbox unavailable: ${reason}; ${options.refuseProcessFallback}`,
      );
    }
    options.onNotice?.(
      `Docker sandbox unavailable (${reason}); candidates run as plain processes instead, NOT isolated: their code runs with your user's privileges.`,
    );
    return new ProcessSandbox({ limits, tempParent });
  }
}

import { AfterburnerError } from '../errors.js';
import { DockerSandbox } from './docker-sandbox.js';
import { ProcessSandbox } from './process-sandbox.js';
import type { Sandbox, SandboxLimits, SandboxMode } from './types.js';

export interface CreateSandboxOptions {
  mode: SandboxMode;
  /** Docker image for the docker sandbox (ignored by the process sandbox). */
  image: string;
  limits?: Partial<SandboxLimits>;
  runId: string;
  /** Receives one plain sentence when 'auto' falls back to the process sandbox. */
  onNotice?: (line: string) => void;
}

/** 'docker' fails with `sandbox-unavailable` when Docker cannot be used; 'auto' falls back to processes. */
export async function createSandbox(options: CreateSandboxOptions): Promise<Sandbox> {
  const { mode, image, limits, runId } = options;
  if (mode === 'process') return new ProcessSandbox({ limits });
  try {
    return await DockerSandbox.connect({ image, limits, runId });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (mode === 'docker') {
      throw new AfterburnerError('sandbox-unavailable', `Docker sandbox unavailable: ${reason}`);
    }
    options.onNotice?.(
      `Docker sandbox unavailable (${reason}); candidates run as plain processes instead, NOT isolated: their code runs with your user's privileges.`,
    );
    return new ProcessSandbox({ limits });
  }
}

export { type CreateSandboxOptions, createSandbox } from './create-sandbox.js';
export { reapStaleContainers } from './docker-cleanup.js';
export { type PullProgress } from './docker-images.js';
export { DockerSandbox, type DockerSandboxOptions } from './docker-sandbox.js';
export { setupKey, setupLabelKey } from './docker-setup.js';
export { type MemorySample, trapezoidMibMs } from './memory-sampler.js';
export { ProcessSandbox, type ProcessSandboxOptions } from './process-sandbox.js';
export { isSecretEnvName, scrubEnv } from './scrub-env.js';
export * from './types.js';

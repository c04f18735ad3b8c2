export { type CreateSandboxOptions, createSandbox } from './create-sandbox.js';
export { reapStaleContainers } from './docker-cleanup.js';
export { DockerSandbox, type DockerSandboxOptions } from './docker-sandbox.js';
export { ProcessSandbox, type ProcessSandboxOptions } from './process-sandbox.js';
export { isSecretEnvName, scrubEnv } from './scrub-env.js';
export * from './types.js';

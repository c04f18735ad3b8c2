/** Embedded defaults: what a run uses when nothing is configured. */
export const defaults = {
  iterations: 2,
  candidates: 2,
  minSpeedupPercent: 10,
  rounds: 30,
  sandbox: 'auto',
  /** The official image GitHub's runners pull; set --image or AFTERBURNER_IMAGE to use another. */
  image: 'node:22-bookworm-slim',
  inputsFile: '.afterburner/inputs.mjs',
} as const;

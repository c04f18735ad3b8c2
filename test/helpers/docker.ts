import Docker from 'dockerode';

export const dockerTestImage = process.env.AFTERBURNER_TEST_IMAGE ?? 'afterburner-sandbox:bookworm';

/**
 * Whether the daemon answers and the test image is present. Outside CI a missing daemon skips Docker tests;
 * in CI (CI=true) it throws, so those tests fail instead of silently skipping.
 */
export async function dockerAvailable(image = dockerTestImage): Promise<boolean> {
  const problem = await dockerProblem(image);
  if (problem === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`Docker tests cannot run in CI: ${problem}`);
  return false;
}

async function dockerProblem(image: string): Promise<string | undefined> {
  const docker = new Docker();
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref()),
    ]);
  } catch (error) {
    return `the Docker daemon does not answer (${(error as Error).message})`;
  }
  try {
    await docker.getImage(image).inspect();
  } catch {
    return `image ${image} is missing (build it with \`npm run sandbox:image\`)`;
  }
  return undefined;
}

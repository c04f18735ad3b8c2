/**
 * The sandbox flags of the commands that run standalone programs (`eval`, `serve`), and the images they pick:
 * one image named for JavaScript (e.g. afterburner-sandbox, which has both interpreters) serves Python too unless
 * a Python image is named.
 */
import { type Command, Option } from 'commander';
import { defaults } from '../config/defaults.js';
import type { ExecutableLanguage } from '../execute/execute-code.js';
import type { RequiredImage } from '../sandbox/docker-sandbox.js';
import type { SandboxMode } from '../sandbox/types.js';

export interface ProgramSandboxFlags {
  sandbox: SandboxMode;
  image?: string;
  pythonImage?: string;
}

export function addProgramSandboxFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--sandbox <mode>', 'where code runs')
        .choices(['auto', 'docker', 'process'])
        .default('auto'),
    )
    .option(
      '--image <name>',
      `sandbox image for JavaScript (default: $AFTERBURNER_IMAGE, else ${defaults.image})`,
    )
    .option(
      '--python-image <name>',
      `sandbox image for Python (default: $AFTERBURNER_PYTHON_IMAGE, else a named --image, else ${defaults.pythonImage})`,
    );
}

/** Each language's image, and the images to check up front for `languages` (default: both). */
export function programImages(
  flags: ProgramSandboxFlags,
  env: NodeJS.ProcessEnv,
  languages: readonly ExecutableLanguage[] = ['javascript', 'python'],
): { images: Record<ExecutableLanguage, string>; required: RequiredImage[] } {
  const named = flags.image ?? env.AFTERBURNER_IMAGE;
  const images = {
    javascript: named ?? defaults.image,
    python: flags.pythonImage ?? env.AFTERBURNER_PYTHON_IMAGE ?? named ?? defaults.pythonImage,
  };
  const uses: Record<ExecutableLanguage, RequiredImage> = {
    javascript: {
      image: images.javascript,
      use: 'JavaScript programs',
      setting: '--image or $AFTERBURNER_IMAGE',
    },
    python: {
      image: images.python,
      use: 'Python programs',
      setting: '--python-image or $AFTERBURNER_PYTHON_IMAGE',
    },
  };
  const required = languages
    .map((language) => uses[language])
    .filter((use, i, all) => all.findIndex((other) => other.image === use.image) === i);
  return { images, required };
}

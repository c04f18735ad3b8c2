import type { Target } from './detect/types.js';

/** What a run tells the person watching it; the CLI draws it, the Action logs it. */
export interface ProgressListener {
  notice(line: string): void;
  target(target: Target, status: string, done?: boolean): void;
}

export const silentProgress: ProgressListener = {
  notice() {},
  target() {},
};

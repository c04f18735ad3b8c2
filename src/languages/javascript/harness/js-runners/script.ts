import type { JsRunner } from './types.js';

/** A runner we cannot read: the package's whole test script runs, and its exit code is the only evidence. */
export const script: JsRunner = {
  name: 'script',
  writesResults: false,
  command: ({ script }) => script,
  parse: () => undefined,
};

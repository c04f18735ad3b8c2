// ES module face of recorder.cjs, for instrumented ES modules (bundlers and test runners transform ESM only).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export default require('./recorder.cjs');

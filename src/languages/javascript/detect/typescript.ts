import { ecmascriptSupport } from './ecmascript.js';

/**
 * TypeScript: overload signatures (`function_signature`, `method_signature`) and abstract members have no body
 * and are not targets; a change belongs to the implementation.
 */
export const typescript = ecmascriptSupport({
  language: 'typescript',
  grammar: 'typescript',
  extensions: ['.ts', '.mts', '.cts'],
});

import { ecmascriptSupport } from './ecmascript.js';

/** TSX needs its own grammar: `<T>(x) => x` is a generic arrow in .ts and a JSX element in .tsx. */
export const tsx = ecmascriptSupport({
  language: 'tsx',
  grammar: 'tsx',
  extensions: ['.tsx'],
});

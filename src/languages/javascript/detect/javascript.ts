import { ecmascriptSupport } from './ecmascript.js';

export const javascript = ecmascriptSupport({
  language: 'javascript',
  grammar: 'javascript',
  extensions: ['.js', '.mjs', '.cjs', '.jsx'],
});

export { changeText } from './comment-parts.js';
export { renderJsonReport } from './json.js';
export { renderMarkdownReport, suggestionBlock } from './markdown.js';
export type { RunReport, SkipReport, SkipStage, SuggestionReport } from './types.js';
export { sandboxNotStarted } from './types.js';

/**
 * Where a piece of untrusted text sits in the Markdown we post: prose (`text`), a table cell of prose (`cell`),
 * an inline code span (`code`), or a code span in a table cell (`code-cell`).
 */
export type InertPlace = 'text' | 'cell' | 'code' | 'code-cell';

/** The longest untrusted text we show in one place; a long test failure must not crowd out the rest. */
export const maxInertChars = 1000;

// Bidirectional overrides can make code or names read differently from what they are ("Trojan Source").
const bidiControls = /[\u202A-\u202E\u2066-\u2069]/g;
// Characters that start emphasis, code, links and images (`[`), strikethrough, math or a table column on GitHub
// anywhere in a line; `(` and `!` do nothing without the `[` escaped here.
const markdownSpecial = /[\\`*_[\]~|$]/g;
// Characters that only format at the start of a line: headings, lists, setext underlines.
const lineStartSpecial = /^(\d*)((?<!\d)[#+\-=]+(?=\s|$)|(?<=\d)[.)](?=\s|$))/;
const zeroWidthSpace = '\u200b';

function cap(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

function proseOf(text: string): string {
  return (
    text
      .replace(/\p{Cc}+/gu, ' ')
      .replace(bidiControls, '\uFFFD')
      // Entities work both in Markdown and inside the HTML blocks (<details>, <sub>) we wrap text in.
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(markdownSpecial, '\\$&')
      .replace(lineStartSpecial, '$1\\$2')
      // GitHub links mentions, issue references and bare URLs in rendered text, escaped or not.
      .replace(/@/g, `@${zeroWidthSpace}`)
      .replace(/#(?=\d)/g, `#${zeroWidthSpace}`)
      .replace(/:\/\//g, `:/${zeroWidthSpace}/`)
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${zeroWidthSpace}.`)
  );
}

function codeSpanOf(text: string, cell: boolean): string {
  let line = text
    .replace(/\r\n|\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, ' ')
    .replace(/\p{Cc}/gu, '\uFFFD')
    .replace(bidiControls, '\uFFFD');
  // GitHub's table parser splits rows on `|` even inside code spans; `\|` there renders as `|`.
  if (cell) line = line.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...line.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') || line === '' ? ' ' : '';
  return `${ticks}${pad}${line}${pad}${ticks}`;
}

/**
 * Renders text that a pull request, a model or another job controls (names, paths, test failures, reasons,
 * settings) so that it shows as written and does nothing else: one line, no formatting, no HTML, no mentions,
 * no links or images, and no table column breaks. The only way such text enters what we post or write.
 */
export function inert(text: string, place: InertPlace = 'text', max = maxInertChars): string {
  const capped = cap(text, max);
  return place === 'code' || place === 'code-cell'
    ? codeSpanOf(capped, place === 'code-cell')
    : proseOf(capped);
}

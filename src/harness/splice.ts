/**
 * Replaces lines start..end (1-based, inclusive) of a file's text with `replacement`, keeping the file's line
 * ending style. This is exactly what GitHub does when a suggestion on those lines is committed.
 */
export function spliceLines(fileText: string, start: number, end: number, replacement: string): string {
  const eol = fileText.includes('\r\n') ? '\r\n' : '\n';
  const lines = fileText.split(eol);
  if (start < 1 || end < start || end > lines.length) {
    throw new Error(`line range ${start}-${end} is outside a file of ${lines.length} lines`);
  }
  return [...lines.slice(0, start - 1), ...replacement.split(/\r?\n/), ...lines.slice(end)].join(eol);
}

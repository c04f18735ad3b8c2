/** A Markdown code fence longer than any run of backticks inside the code, so the code cannot close it early. */
export function fenceFor(code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

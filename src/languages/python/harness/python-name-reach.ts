/** One `def` of a Python file: its name and the text of its body (by indentation). */
interface Definition {
  name: string;
  body: string;
}

const defLine = /^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+(\w+)/;
// `name = partial(target, ...)` or `alias = target` at module level: callers then use the new name.
const assignment = /^(\w+)[ \t]*(?::[^=]*)?=(?!=)(.*)$/;

/** The text without docstrings and comments, which name functions without calling them. */
function code(text: string): string {
  return text.replace(/("""|''')[\s\S]*?\1/g, '').replace(/#[^\n]*/g, '');
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Functions (a method also under its class's name, which is how callers construct or reach it) and assignments. */
function definitions(text: string): Definition[] {
  const lines = text.split('\n');
  const found: Definition[] = [];
  const classes: { indent: number; name: string }[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    while (classes.length > 0 && indentOf(line) <= (classes.at(-1)?.indent ?? -1)) classes.pop();
    const simple = assignment.exec(line);
    if (simple) {
      found.push({ name: simple[1] as string, body: simple[2] as string });
      continue;
    }
    const match = defLine.exec(line);
    if (!match) continue;
    const indent = (match[1] as string).length;
    if (match[2] === 'class') {
      classes.push({ indent, name: match[3] as string });
      continue;
    }
    let end = i + 1;
    while (end < lines.length) {
      const next = lines[end] as string;
      if (next.trim() !== '' && !next.trimStart().startsWith('#') && indentOf(next) <= indent) break;
      end++;
    }
    const body = code(lines.slice(i + 1, end).join('\n'));
    found.push({ name: match[3] as string, body });
    const owner = classes.at(-1);
    if (owner) found.push({ name: owner.name, body });
  }
  return found;
}

function mentionsAny(text: string, names: ReadonlySet<string>): boolean {
  for (const word of text.match(/\w+/g) ?? []) if (names.has(word)) return true;
  return false;
}

/**
 * The target's name and the names of every function whose body mentions a name already found, to a fixed point:
 * the functions through which a test may reach the target (by text, so calls through an attribute or an alias of
 * the same name count too). Undefined when that grows past `limit` names: then nearly everything reaches it.
 */
export function callerNames(texts: Iterable<string>, target: string, limit = 300): Set<string> | undefined {
  const defs = [...texts].flatMap(definitions);
  const names = new Set([target]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const def of defs) {
      if (names.has(def.name) || !mentionsAny(def.body, names)) continue;
      names.add(def.name);
      grew = true;
      if (names.size > limit) return undefined;
    }
  }
  return names;
}

/** Whether a test file's text mentions one of the names (a call, a fixture parameter, an import). */
export function mentionsName(text: string, names: ReadonlySet<string>): boolean {
  return mentionsAny(text, names);
}

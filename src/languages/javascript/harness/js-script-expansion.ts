/** Where a test script's indirections lead: the package's other scripts and its Makefile's targets. */
export interface ScriptSources {
  scripts?: Record<string, string>;
  /** The Makefile's text, for `make test` (js-yaml's test script). */
  makefile?: string;
}

const maxDepth = 3;

/**
 * The script with its indirections replaced by what they run, so that the runner behind them can be found:
 * `npm run x` / `yarn x` / `pnpm run x`, npm-run-all's `run-s a b:*` / `run-p` / `npm-run-all`, and `make target`.
 * `"test": "run-s lint build unit-test"` is then run by the runner `unit-test` names, without the lint.
 */
export function expandScripts(script: string, sources: ScriptSources = {}, depth = 0): string {
  if (depth >= maxDepth) return script;
  const scripts = sources.scripts ?? {};
  const expand = (body: string) => `(${expandScripts(body, sources, depth + 1)})`;
  return script
    .replace(/\b(?:npm run(?:-script)?|yarn(?: run)?|pnpm(?: run)?)\s+([\w:.-]+)/g, (call, name: string) => {
      const body = scripts[name];
      return body !== undefined ? expand(body) : call;
    })
    .replace(/(?<![\w-])(?:run-s|run-p|npm-run-all)((?:\s+[^\s;&|]+)+)/g, (call, words: string) => {
      const bodies = scriptsNamed(words.trim().split(/\s+/), scripts);
      return bodies.length > 0 ? bodies.map(expand).join(' && ') : call;
    })
    .replace(/(?<![\w-])make((?:\s+[\w.-]+)*)/g, (call, words: string) => {
      const recipe =
        sources.makefile && makeRecipe(sources.makefile, words.trim().split(/\s+/)[0] || undefined);
      return recipe ? expand(recipe) : call;
    });
}

/** The bodies of the scripts npm-run-all's arguments name, `lint:*` patterns included; flags and `--` args left out. */
function scriptsNamed(words: string[], scripts: Record<string, string>): string[] {
  const end = words.indexOf('--');
  const names = (end >= 0 ? words.slice(0, end) : words).filter((w) => !w.startsWith('-'));
  return names.flatMap((name) => {
    const pattern = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^:]*')}$`);
    return Object.keys(scripts)
      .filter((key) => pattern.test(key))
      .map((key) => scripts[key] as string);
  });
}

interface MakeRule {
  prerequisites: string[];
  recipe: string[];
}

function makeRules(makefile: string): Map<string, MakeRule> {
  const rules = new Map<string, MakeRule>();
  let current: MakeRule | undefined;
  for (const line of makefile.replace(/\\\n/g, ' ').split('\n')) {
    if (line.startsWith('\t')) {
      current?.recipe.push(line.trim().replace(/^[@+-]+/, ''));
      continue;
    }
    const rule = /^([\w./ -]+):(?![:=])(.*)$/.exec(line);
    current = undefined;
    if (!rule || line.startsWith('.')) continue;
    current = {
      prerequisites: (rule[2] ?? '').split(';')[0]?.trim().split(/\s+/).filter(Boolean) ?? [],
      recipe: [],
    };
    for (const target of (rule[1] ?? '').trim().split(/\s+/))
      if (!rules.has(target)) rules.set(target, current);
  }
  return rules;
}

/** What `make target` runs (its prerequisites' recipes first, as make would), or undefined when it is not a rule. */
function makeRecipe(makefile: string, target: string | undefined): string | undefined {
  const rules = makeRules(makefile);
  const start = target ?? rules.keys().next().value;
  if (start === undefined || !rules.has(start)) return undefined;
  const lines: string[] = [];
  const visit = (name: string, depth: number) => {
    const rule = rules.get(name);
    if (!rule || depth > maxDepth) return;
    for (const prerequisite of rule.prerequisites) visit(prerequisite, depth + 1);
    lines.push(...rule.recipe.filter(Boolean));
  };
  visit(start, 0);
  return lines.length > 0 ? lines.join(' && ') : undefined;
}

/** A named module-level statement (function, class, variable) that a target may reference. */
export interface ModuleDefinition {
  names: string[];
  source: string;
  /** Start offset in the file; keeps output in source order and identifies the statement. */
  position: number;
  /** Identifiers used inside the definition, for following references one level further. */
  identifiers: Set<string>;
}

export interface ContextRequest {
  imports: string[];
  definitions: ModuleDefinition[];
  /** Identifiers the target uses. */
  identifiers: Set<string>;
  /** Start offset of the top-level statement holding the target; it is never repeated as context. */
  enclosingStatement: number;
  maxChars?: number;
}

/** Prompts carry the context for every candidate round, so it is kept small. */
export const defaultContextChars = 4000;

const omittedNote = '// (more module-level definitions omitted)';

/**
 * The file's imports, then the module-level definitions the target references, directly or through other
 * definitions (breadth first, so direct references win when space runs out), in source order.
 */
export function buildContext(request: ContextRequest): string {
  const maxChars = request.maxChars ?? defaultContextChars;
  const byName = new Map<string, ModuleDefinition>();
  for (const definition of request.definitions) {
    for (const name of definition.names) if (!byName.has(name)) byName.set(name, definition);
  }

  const parts: string[] = [];
  let used = 0;
  let omitted = false;
  const fits = (text: string) => used + text.length + 2 <= maxChars - omittedNote.length;
  const add = (text: string) => {
    parts.push(text);
    used += text.length + 2;
  };

  const imports = request.imports.join('\n');
  if (imports && fits(imports)) add(imports);
  else if (imports) omitted = true;

  const chosen: ModuleDefinition[] = [];
  const seen = new Set<number>([request.enclosingStatement]);
  let frontier = [...request.identifiers];
  while (frontier.length > 0) {
    const level = [...new Set(frontier.flatMap((name) => byName.get(name) ?? []))]
      .filter((definition) => !seen.has(definition.position))
      .sort((a, b) => a.position - b.position);
    frontier = [];
    for (const definition of level) {
      seen.add(definition.position);
      if (!fits(definition.source)) {
        omitted = true;
        continue;
      }
      used += definition.source.length + 2;
      chosen.push(definition);
      frontier.push(...definition.identifiers);
    }
  }
  for (const definition of chosen.sort((a, b) => a.position - b.position)) parts.push(definition.source);
  if (omitted) parts.push(omittedNote);
  return parts.join('\n\n');
}

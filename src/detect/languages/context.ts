/** A named module-level statement (function, class, variable) that a target may reference. */
export interface ModuleDefinition {
  names: string[];
  source: string;
  /** Offsets of the statement in the file: identify it, order the output and find the identifiers it uses. */
  start: number;
  end: number;
}

/** A range of the file to build context for: the target's statement and the top-level statement holding it. */
export interface ContextSubject {
  start: number;
  end: number;
  /** Start offset of the top-level statement holding the target; it is never repeated as context. */
  enclosingStatement: number;
}

/** Identifier occurrences of a file in source order, so that those inside any range are a binary search away. */
export class IdentifierIndex {
  constructor(private readonly occurrences: ReadonlyArray<{ offset: number; name: string }>) {}

  within(start: number, end: number): Set<string> {
    let low = 0;
    let high = this.occurrences.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.occurrences[middle]?.offset ?? end) < start) low = middle + 1;
      else high = middle;
    }
    const names = new Set<string>();
    for (let i = low; i < this.occurrences.length; i++) {
      const occurrence = this.occurrences[i];
      if (!occurrence || occurrence.offset >= end) break;
      names.add(occurrence.name);
    }
    return names;
  }
}

/** Prompts carry the context in every candidate round, so it is kept small. */
export const defaultContextChars = 4000;

const omittedNote = '// (more module-level definitions omitted)';

/**
 * Builds the context of a target: the file's imports, then the module-level definitions it references,
 * directly or through other definitions (breadth first, so direct references win when space runs out),
 * in source order.
 */
export class ContextBuilder {
  private readonly byName = new Map<string, ModuleDefinition>();

  constructor(
    private readonly imports: string[],
    definitions: ModuleDefinition[],
    private readonly identifiers: IdentifierIndex,
    private readonly maxChars = defaultContextChars,
  ) {
    for (const definition of definitions) {
      for (const name of definition.names) if (!this.byName.has(name)) this.byName.set(name, definition);
    }
  }

  contextFor(subject: ContextSubject): string {
    const parts: string[] = [];
    let used = 0;
    let omitted = false;
    const fits = (text: string) => used + text.length + 2 <= this.maxChars - omittedNote.length;

    const imports = this.imports.join('\n');
    if (imports && fits(imports)) {
      parts.push(imports);
      used += imports.length + 2;
    } else if (imports) {
      omitted = true;
    }

    const chosen: ModuleDefinition[] = [];
    const seen = new Set<number>([subject.enclosingStatement]);
    let frontier = [...this.identifiers.within(subject.start, subject.end)];
    while (frontier.length > 0) {
      const level = [...new Set(frontier.flatMap((name) => this.byName.get(name) ?? []))]
        .filter((definition) => !seen.has(definition.start))
        .sort((a, b) => a.start - b.start);
      frontier = [];
      for (const definition of level) {
        seen.add(definition.start);
        if (!fits(definition.source)) {
          omitted = true;
          continue;
        }
        used += definition.source.length + 2;
        chosen.push(definition);
        frontier.push(...this.identifiers.within(definition.start, definition.end));
      }
    }
    for (const definition of chosen.sort((a, b) => a.start - b.start)) parts.push(definition.source);
    if (omitted) parts.push(omittedNote);
    return parts.join('\n\n');
  }
}

import type { Node } from 'web-tree-sitter';
import { named } from '../../../optimize/capability-syntax.js';

function decodeEscape(sequence: string): string {
  const simple: Record<string, string> = Object.assign(Object.create(null), {
    n: '\n',
    t: '\t',
    r: '\r',
    b: '\b',
    f: '\f',
    v: '\v',
    '0': '\0',
  });
  const body = sequence.slice(1);
  if (/^x[0-9a-f]{2}$/i.test(body) || /^u[0-9a-f]{4}$/i.test(body))
    return String.fromCharCode(Number.parseInt(body.slice(1), 16));
  const braced = /^u\{([0-9a-f]+)\}$/i.exec(body);
  if (braced?.[1]) return String.fromCodePoint(Number.parseInt(braced[1], 16));
  if (body.startsWith('\n') || body.startsWith('\r')) return '';
  return simple[body] ?? body;
}

/** The value of a string expression the code spells out in full (literals, `+` of literals); else undefined. */
export function constantString(node: Node | null): string | undefined {
  if (!node) return undefined;
  if (node.type === 'parenthesized_expression') return constantString(named(node)[0] ?? null);
  if (node.type === 'string' || node.type === 'template_string') {
    let text = '';
    for (const part of named(node)) {
      if (part.type === 'string_fragment') text += part.text;
      else if (part.type === 'escape_sequence') text += decodeEscape(part.text);
      else return undefined;
    }
    return text;
  }
  if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '+') {
    const left = constantString(node.childForFieldName('left'));
    const right = constantString(node.childForFieldName('right'));
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  return undefined;
}

/** Whether an expression builds a string at run time (concatenation, templates, decoding calls). */
export function buildsString(node: Node): boolean {
  if (constantString(node) !== undefined) return false;
  if (node.type === 'template_string') return true;
  if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '+') {
    const sides = [node.childForFieldName('left'), node.childForFieldName('right')];
    return sides.some((side) => side && (constantString(side) !== undefined || buildsString(side)));
  }
  if (node.type === 'call_expression') {
    return /\b(fromCharCode|fromCodePoint|atob|join|reverse|decodeURIComponent|unescape|toString|from)\s*$/.test(
      node.childForFieldName('function')?.text ?? '',
    );
  }
  return node.type === 'parenthesized_expression' && named(node).some(buildsString);
}

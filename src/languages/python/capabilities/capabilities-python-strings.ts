import type { Node } from 'web-tree-sitter';
import { named } from '../../../optimize/capability-syntax.js';

/** A string's value when it has no interpolation (adjacent literals joined). */
export function constantPyString(node: Node | null): string | undefined {
  if (!node) return undefined;
  if (node.type === 'concatenated_string') {
    let text = '';
    for (const part of named(node)) {
      const value = constantPyString(part);
      if (value === undefined) return undefined;
      text += value;
    }
    return text;
  }
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '+') {
    const left = constantPyString(node.childForFieldName('left'));
    const right = constantPyString(node.childForFieldName('right'));
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  if (node.type === 'parenthesized_expression') return constantPyString(named(node)[0] ?? null);
  if (node.type !== 'string') return undefined;
  let text = '';
  for (const part of named(node)) {
    if (part.type === 'string_start' || part.type === 'string_end') continue;
    if (part.type === 'string_content') text += part.text;
    else if (part.type === 'escape_sequence') text += decodePyEscape(part.text);
    else return undefined;
  }
  return text;
}

function decodePyEscape(sequence: string): string {
  const body = sequence.slice(1);
  if (/^(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})$/i.test(body))
    return String.fromCodePoint(Number.parseInt(body.slice(1), 16));
  if (/^[0-7]{1,3}$/.test(body)) return String.fromCharCode(Number.parseInt(body, 8));
  const simple: Record<string, string> = Object.assign(Object.create(null), {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    "'": "'",
    '"': '"',
  });
  return simple[body] ?? sequence;
}

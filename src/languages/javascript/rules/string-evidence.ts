import type { Node } from 'web-tree-sitter';
import { asMemberCall } from '../../../providers/rules/syntax.js';
import type { NameOccurrence } from './receiver-safety.js';

const stringOnlyMethods = new Set([
  'startsWith',
  'endsWith',
  'toLowerCase',
  'toUpperCase',
  'trim',
  'trimStart',
  'trimEnd',
  'split',
  'charAt',
  'charCodeAt',
  'codePointAt',
  'match',
  'matchAll',
  'replace',
  'replaceAll',
  'substring',
  'substr',
  'padStart',
  'padEnd',
  'repeat',
  'normalize',
  'localeCompare',
  'search',
]);
const stringReturningMethods = new Set([...stringOnlyMethods, 'join', 'toString', 'toFixed']);
stringReturningMethods.delete('split');
stringReturningMethods.delete('match');
stringReturningMethods.delete('matchAll');
const arrayReturningMethods = new Set([
  'split',
  'map',
  'filter',
  'flat',
  'flatMap',
  'toSorted',
  'toReversed',
]);
const arrayFactories = new Set(['Array.from', 'Array.of', 'Object.keys', 'Object.values', 'Object.entries']);

/** Last words of names that usually hold a single string, where `includes` is a substring test. */
const stringNouns = new Set(
  (
    'path dir directory file filename ext extension url uri href host hostname domain origin str string text ' +
    'line name title label message msg prefix suffix src source content body html css json xml sql query ' +
    'word sentence char letter key id slug token email pattern selector version locale lang language input ' +
    'output value description comment header separator sep delimiter haystack'
  ).split(' '),
);

/**
 * `str.includes(sub)` is a substring test, which a Set of characters gets wrong. Types are unknown here, so
 * this takes the evidence at hand: a string initializer or string-only method on the receiver, or a name that
 * usually holds a string, unless the receiver is evidently built as an array.
 */
export function mayBeString(receiver: string, occurrences: NameOccurrence[]): boolean {
  const initializers = occurrences.flatMap(({ node, use }) =>
    use === 'declaration' ? [initializerOf(node)] : [],
  );
  if (initializers.some((initial) => initial && isStringExpression(initial))) return true;
  const annotations = occurrences.flatMap(({ node, use }) =>
    use === 'declaration' ? [annotationOf(node)] : [],
  );
  if (annotations.some((type) => type !== null && /\bstring\b/.test(type) && !isArrayType(type))) return true;
  const usedAsString = occurrences.some(({ node }) => {
    const parent = node.parent;
    return (
      parent?.type === 'member_expression' &&
      stringOnlyMethods.has(parent.childForFieldName('property')?.text ?? '')
    );
  });
  if (usedAsString) return true;
  if (initializers.some((initial) => initial && isArrayExpression(initial))) return false;
  if (annotations.some((type) => type !== null && isArrayType(type))) return false;
  return hasStringLikeName(receiver);
}

/** The TypeScript type annotation of a declared name, without the colon. */
function annotationOf(declared: Node): string | null {
  const parent = declared.parent;
  if (!parent) return null;
  const holders = ['required_parameter', 'optional_parameter', 'variable_declarator'];
  if (!holders.includes(parent.type)) return null;
  return parent.childForFieldName('type')?.text.replace(/^:\s*/, '') ?? null;
}

function isArrayType(type: string): boolean {
  return /^(readonly\s+)?[\w.<>]+\[\]$|^(Readonly)?Array<.*>$/.test(type.trim());
}

/** A name whose last word usually names one string (`path`, `fileName`, `line_text`, `s`). */
export function hasStringLikeName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return stringNouns.has(words[words.length - 1] ?? '') || name === 's';
}

function initializerOf(declared: Node): Node | null {
  const parent = declared.parent;
  if (parent?.type === 'variable_declarator') return parent.childForFieldName('value');
  if (parent?.type === 'assignment_pattern') return parent.childForFieldName('right');
  return null;
}

function isStringExpression(node: Node): boolean {
  if (node.type === 'string' || node.type === 'template_string') return true;
  if (node.type !== 'call_expression') return false;
  const callee = node.childForFieldName('function');
  if (callee?.type === 'identifier') return callee.text === 'String';
  const call = asMemberCall(node);
  return call !== null && stringReturningMethods.has(call.method);
}

function isArrayExpression(node: Node): boolean {
  if (node.type === 'array') return true;
  if (node.type === 'new_expression') return node.childForFieldName('constructor')?.text === 'Array';
  const call = asMemberCall(node);
  if (!call) return false;
  return arrayReturningMethods.has(call.method) || arrayFactories.has(call.member.text);
}

import type { Rule } from '../rule.js';

/** Python rules, in the order they are combined. */
export const pythonRules: readonly Rule[] = [];

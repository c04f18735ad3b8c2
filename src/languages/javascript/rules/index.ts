import type { Rule } from '../../../providers/rules/rule.js';
import { filterIndexDedupe } from './filter-index-dedupe.js';
import { filterLengthSome } from './filter-length-some.js';
import { findJoinMap } from './find-join-map.js';
import { includesDedupe } from './includes-dedupe.js';
import { objectKeysIncludes } from './object-keys-includes.js';
import { reduceSpreadAccumulator } from './reduce-spread-accumulator.js';
import { regexpHoist } from './regexp-hoist.js';
import { setMembership } from './set-membership.js';
import { shiftQueue } from './shift-queue.js';
import { spreadReassign } from './spread-reassign.js';

/**
 * JavaScript, TypeScript and TSX rules, in the order they are combined. `find-join-map` goes first: it only
 * fires while the function calls nothing unknown, which the helpers other rules add would spoil.
 */
export const javascriptRules: readonly Rule[] = [
  findJoinMap,
  setMembership,
  includesDedupe,
  reduceSpreadAccumulator,
  spreadReassign,
  shiftQueue,
  regexpHoist,
  filterIndexDedupe,
  objectKeysIncludes,
  filterLengthSome,
];

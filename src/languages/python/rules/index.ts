import type { Rule } from '../../../providers/rules/rule.js';
import { anyAllGenerator } from './any-all-generator.js';
import { countToIn } from './count-to-in.js';
import { dedupeSeenSet } from './dedupe-seen-set.js';
import { insertFrontReverse } from './insert-front-reverse.js';
import { keysMembership } from './keys-membership.js';
import { listMembershipSet } from './list-membership-set.js';
import { popFrontDeque } from './pop-front-deque.js';

/** Python rules, in the order they are combined. */
export const pythonRules: readonly Rule[] = [
  listMembershipSet,
  dedupeSeenSet,
  popFrontDeque,
  insertFrontReverse,
  keysMembership,
  countToIn,
  anyAllGenerator,
];

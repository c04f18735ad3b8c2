import { createHash } from 'node:crypto';
import { AfterburnerError } from '../errors.js';

/** Shard `index` of `count` (1-based), as in `shard: 2/4`. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new AfterburnerError('usage', `shard: '${text}' is not i/n with 1 ≤ i ≤ n (e.g. 1/4)`);
  }
  return { index, count };
}

/**
 * Which shard a key belongs to. A hash of the key alone, so every job of a matrix computes the same partition
 * without talking to the others, and adding a function moves no other function between shards.
 */
export function shardOf(key: string, count: number): number {
  const digest = createHash('sha256').update(key).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function inShard<T>(items: T[], keyOf: (item: T) => string, shard: Shard): T[] {
  return items.filter((item) => shardOf(keyOf(item), shard.count) === shard.index);
}
